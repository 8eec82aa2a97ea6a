package dev.likeness.pipeline;

import java.util.List;

/** A loaded model that turns requests into images. Implementations are not required to be thread-safe. */
public interface ImageGenerator extends AutoCloseable {
    List<GeneratedImage> generate(GenerationRequest request, ProgressListener listener, CancelSignal cancel);

    /** Short description of the model (name, family, prediction type, whether it is the built-in demo model). */
    ModelInfo info();

    @Override
    void close();
}
