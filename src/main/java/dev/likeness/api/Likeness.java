package dev.likeness.api;

import dev.likeness.engine.weights.LoadOptions;
import dev.likeness.pipeline.SdModelLoader;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Opens models. {@code Likeness.open(path).use { model -> model.generate(Generation.of("a cat")) }} in Kotlin;
 * try-with-resources in Java. A path is a diffusers folder or a single .safetensors file (bare files run with the
 * built-in family preset).
 */
public final class Likeness {
    private Likeness() {}

    public static LikenessModel open(Path model) {
        return open(model, LoadOptions.DEFAULT);
    }

    /** With options for single files: a config folder, the prediction type, EMA weights, another VAE. */
    public static LikenessModel open(Path model, LoadOptions options) {
        try {
            return new LikenessModel(SdModelLoader.loadWith(model, options));
        } catch (IOException e) {
            throw new LikenessException(e.getMessage() == null ? "cannot open " + model : e.getMessage(), e);
        }
    }
}
