package dev.likeness.architecture;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Near-synonyms make readers guess which class does what. "Personaliz*" names one thing in the engine, the method
 * family ({@code PersonalizationMethod}), and one in the server, the job named after the API's {@code personalize}
 * job type ({@code PersonalizeRunner}); the README's architecture section says what the related classes are called.
 */
class OneNamePerIdeaTest {
    private static final Path SOURCES = Path.of("src", "main", "java");

    @Test
    void personalizeNamesOneMethodFamilyAndOneJob() throws IOException {
        assertEquals(Set.of("PersonalizationMethod", "PersonalizeRunner"), classesStartingWith("Personal"));
    }

    @Test
    void noTwoClassesShareASimpleName() throws IOException {
        TreeSet<String> seen = new TreeSet<>();
        TreeSet<String> twice = new TreeSet<>();
        for (Path f : javaFiles()) {
            String name = f.getFileName().toString();
            if (!name.equals("package-info.java") && !seen.add(name)) {
                twice.add(name);
            }
        }
        assertEquals(Set.of(), twice);
    }

    private static Set<String> classesStartingWith(String prefix) throws IOException {
        TreeSet<String> out = new TreeSet<>();
        for (Path f : javaFiles()) {
            String name = f.getFileName().toString().replace(".java", "");
            if (name.startsWith(prefix)) {
                out.add(name);
            }
        }
        return out;
    }

    private static List<Path> javaFiles() throws IOException {
        try (Stream<Path> files = Files.walk(SOURCES)) {
            return files.filter(f -> f.toString().endsWith(".java")).toList();
        }
    }
}
