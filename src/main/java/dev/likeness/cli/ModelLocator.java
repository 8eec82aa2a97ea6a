package dev.likeness.cli;

import dev.likeness.pipeline.DemoModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Resolves --model: a path, a name under the models folder, or (absent) the built-in demo model. */
public final class ModelLocator {
    private ModelLocator() {}

    /** The models folder: $LIKENESS_MODELS, else {@code <likeness.home>/models}, else ~/.local/share/likeness/models. */
    public static Path modelsDir() {
        String env = System.getenv("LIKENESS_MODELS");
        if (env != null && !env.isBlank()) {
            return Path.of(env);
        }
        String home = System.getProperty("likeness.home");
        if (home != null) {
            return Path.of(home, "models");
        }
        return Path.of(System.getProperty("user.home"), ".local", "share", "likeness", "models");
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
        if (!model.contains("/") && !model.contains("\\") && Files.exists(named)) {
            return named;
        }
        throw new IOException("model not found: " + model + " (give a diffusers folder, a .safetensors file, or a"
                + " name under " + modelsDir() + ")");
    }
}
