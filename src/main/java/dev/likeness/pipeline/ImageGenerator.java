package dev.likeness.pipeline;

import dev.likeness.pipeline.preview.PreviewSink;
import java.util.List;

/** A loaded model that turns requests into images. Implementations are not required to be thread-safe. */
public interface ImageGenerator extends AutoCloseable {
    List<GeneratedImage> generate(GenerationRequest request, ProgressListener listener, CancelSignal cancel);

    /** {@link #generate} with live previews of the sampling; an engine that cannot make them sends none. */
    default List<GeneratedImage> generate(GenerationRequest request, ProgressListener listener, CancelSignal cancel,
            PreviewSink previews) {
        return generate(request, listener, cancel);
    }

    /** Short description of the model (name, family, prediction type, whether it is the built-in demo model). */
    ModelInfo info();

    @Override
    void close();
}
