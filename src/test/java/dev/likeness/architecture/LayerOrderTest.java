package dev.likeness.architecture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Imports only go downward. The layers, lowest first (the README's architecture section says what each does):
 * util, engine, pipeline, train, concepts, methods, api, server, cli. A class may use its own layer and the ones
 * below; a use of a higher layer (an import or a fully qualified name) fails this test, naming the file.
 */
class LayerOrderTest {
    static final List<String> LAYERS = List.of("util", "engine", "pipeline", "train", "concepts", "methods", "api",
            "server", "cli");
    private static final Pattern USE = Pattern.compile("\\bdev\\.likeness\\.([a-z]+)(?:\\.[a-z]\\w*)*\\.[A-Z]");
    private static final Path SOURCES = Path.of("src", "main", "java", "dev", "likeness");

    @Test
    void noLayerUsesALayerAboveIt() throws IOException {
        List<String> backEdges = new ArrayList<>();
        TreeSet<String> seen = new TreeSet<>();
        try (Stream<Path> files = Files.walk(SOURCES)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).sorted().toList()) {
                String layer = SOURCES.relativize(file).getName(0).toString();
                seen.add(layer);
                int own = LAYERS.indexOf(layer);
                assertTrue(own >= 0, "package dev.likeness." + layer + " has no place in the layer order " + LAYERS);
                Matcher m = USE.matcher(Files.readString(file));
                TreeSet<String> above = new TreeSet<>();
                while (m.find()) {
                    int used = LAYERS.indexOf(m.group(1));
                    if (used > own) {
                        above.add(m.group(1));
                    }
                }
                above.forEach(a -> backEdges.add(SOURCES.relativize(file) + " (" + layer + ") uses " + a));
            }
        }
        assertEquals(new TreeSet<>(LAYERS), seen, "every layer exists, and nothing else");
        assertEquals("", String.join("\n", backEdges));
    }

    @Test
    void aBackEdgeIsFound() {
        Matcher m = USE.matcher("import dev.likeness.server.config.ServerConfig;");
        assertTrue(m.find());
        assertEquals("server", m.group(1));
    }
}
