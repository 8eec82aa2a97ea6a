package dev.likeness.cli;

import dev.likeness.engine.weights.CheckpointLoader;
import dev.likeness.pipeline.DemoModel;
import dev.likeness.server.models.ModelCatalog;
import dev.likeness.util.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Resolves --model: a path, a name under the models folder, a catalog name that `likeness pull` installed (sd15 is
 * {@code v1-5-pruned-emaonly.safetensors}), or (absent) the built-in demo model.
 */
public final class ModelLocator {
    private ModelLocator() {}

    public static Path modelsDir() {
        return dev.likeness.util.AppDirs.modelsDir();
    }

    public static Path resolve(String model) throws IOException {
        if (model == null || model.isBlank()) {
            return DemoModel.ensure(modelsDir());
        }
        Path direct = Path.of(model);
        if (Files.exists(direct)) {
            return direct;
        }
        Path named = modelsDir().resolve(model);
        boolean bareName = !model.contains("/") && !model.contains("\\");
        if (bareName && Files.exists(named)) {
            return named;
        }
        Optional<ModelCatalog.Entry> entry = bareName ? catalogEntry(model) : Optional.empty();
        if (entry.isPresent()) {
            Path file = modelsDir().resolve(entry.get().file());
            if (Files.isRegularFile(file)) {
                return file;
            }
            throw new IOException("model '" + model + "' is not installed yet: run `likeness pull " + model + "` ("
                    + entry.get().description() + ")");
        }
        throw new IOException("model not found: " + model + " (give a diffusers folder, a .safetensors file, a"
                + " name under " + modelsDir() + ", or a catalog name such as sd15)");
    }

    /** The catalog of the models folder (models/catalog.json), if there is one. */
    static Optional<ModelCatalog> catalog() {
        Path file = modelsDir().resolve("catalog.json");
        if (!Files.isRegularFile(file)) {
            String home = System.getProperty("likeness.home");
            file = home == null ? file : Path.of(home, "models", "catalog.json");
        }
        try {
            return Files.isRegularFile(file) ? Optional.of(ModelCatalog.read(file)) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static Optional<ModelCatalog.Entry> catalogEntry(String name) {
        return catalog().flatMap(c -> c.byName(name));
    }

    /** The catalog name a pulled file was installed as (from its pull record), if any. */
    static Optional<String> catalogNameOf(Path model) {
        Path record = model.resolveSibling(model.getFileName() + CheckpointLoader.PULL_RECORD_SUFFIX);
        try {
            if (Files.isRegularFile(record)) {
                String name = Json.readTree(record).path("catalog").asText("");
                return name.isEmpty() ? Optional.empty() : Optional.of(name);
            }
        } catch (IOException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }
}
