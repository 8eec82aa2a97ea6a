package dev.likeness.concepts;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.likeness.util.AtomicFiles;
import dev.likeness.util.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code concept.json}: what a concept is and how to use it. The payload files beside it depend on the method
 * (Textual Inversion: {@code embeddings.safetensors}).
 *
 * @param details method-specific settings (init word, vectors, steps, target prompt, ...)
 */
public record ConceptManifest(String name, String method, String token, String classWord, String modelFamily,
        String created, ObjectNode details) {
    public static final String FILE = "concept.json";

    public static ConceptManifest read(Path dir) throws IOException {
        Path file = dir.resolve(FILE);
        if (!Files.isRegularFile(file)) {
            throw new IOException("not a concept folder (no " + FILE + "): " + dir);
        }
        JsonNode n = Json.readTree(file);
        for (String key : new String[] {"name", "method", "token", "modelFamily"}) {
            if (!n.path(key).isTextual()) {
                throw new IOException(file + ": missing '" + key + "'");
            }
        }
        ObjectNode details = n.path("details").isObject() ? (ObjectNode) n.get("details")
                : Json.MAPPER.createObjectNode();
        return new ConceptManifest(n.get("name").asText(), n.get("method").asText(), n.get("token").asText(),
                n.path("classWord").asText(""), n.get("modelFamily").asText(), n.path("created").asText(""), details);
    }

    public void write(Path dir) throws IOException {
        ObjectNode n = Json.MAPPER.createObjectNode().put("name", name).put("method", method).put("token", token)
                .put("classWord", classWord).put("modelFamily", modelFamily).put("created", created);
        n.set("details", details);
        AtomicFiles.writeString(dir.resolve(FILE), Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(n));
    }
}
