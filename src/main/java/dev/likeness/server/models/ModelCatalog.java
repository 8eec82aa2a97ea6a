package dev.likeness.server.models;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import dev.likeness.util.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** {@code models/catalog.json}: known models with their download URL and sha256. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ModelCatalog(int version, List<Entry> models) {

    /**
     * One downloadable model file. {@code sha256} null means "not yet verified by the project": such entries
     * install only with {@code --insecure-skip-verify}. {@code predictionType} ("epsilon" / "v_prediction") is
     * recorded beside the installed file, since an SD 2.x single file does not say it itself.
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Entry(String name, String family, String description, String license, String url, String file,
            String sha256, Long size, String predictionType) {}

    public ModelCatalog {
        models = models == null ? List.of() : List.copyOf(models);
    }

    public static ModelCatalog read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException("model catalog not found: " + file);
        }
        try {
            return Json.MAPPER.readValue(file.toFile(), ModelCatalog.class);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IOException("model catalog " + file + " is not valid: " + e.getOriginalMessage());
        }
    }

    public Optional<Entry> byName(String name) {
        return models.stream().filter(e -> e.name().equals(name)).findFirst();
    }

    public Optional<Entry> byUrl(String url) {
        return models.stream().filter(e -> e.url().equals(url)).findFirst();
    }
}
