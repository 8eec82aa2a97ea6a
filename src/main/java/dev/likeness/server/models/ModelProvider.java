package dev.likeness.server.models;

import dev.likeness.pipeline.ImageGenerator;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * How the server gets models. The engine supplies the implementation; the server never constructs an
 * {@link ImageGenerator} itself.
 */
public interface ModelProvider {
    /**
     * Loads a model: a diffusers folder or a single {@code .safetensors} file, or the built-in demo model when
     * {@code modelOrNullForDemo} is null. Called on the GPU worker thread only.
     */
    ImageGenerator load(Path modelOrNullForDemo) throws IOException;

    /** Models available under the models folder. The default lists safetensors files and diffusers folders. */
    default List<ModelEntry> list(Path modelsDir) throws IOException {
        return ModelDirectory.scan(modelsDir);
    }
}
