package dev.likeness.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Every route in {@link Routes} has a section in bridge-server/api/http-api.md, and the doc lists no others. */
class ApiDocsTest {
    @Test
    void everyRouteIsDocumented() throws Exception {
        String doc = Files.readString(Path.of("bridge-server/api/http-api.md"));
        List<String> routes = new ArrayList<>();
        for (Routes.Route r : Routes.table(new SystemHandlers(null, false), new ModelHandlers(null, null, null, null,
                0), new ConceptHandlers(null, 0), new UploadHandlers(null, 0), new JobHandlers(null, 0),
                new JobEventStream(null, 0, java.time.Duration.ZERO), new WebHandlers(null, null, 0))) {
            String heading = r.method().name() + " " + r.path();
            routes.add(heading);
            assertTrue(doc.contains("### `" + heading + "`"), "undocumented route: " + heading);
        }
        Matcher m = Pattern.compile("### `([A-Z]+ /[^`]*)`").matcher(doc);
        List<String> documented = new ArrayList<>();
        while (m.find()) {
            documented.add(m.group(1));
        }
        assertEquals(routes.stream().sorted().toList(), documented.stream().sorted().toList());
    }
}
