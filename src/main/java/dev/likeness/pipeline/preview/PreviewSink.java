package dev.likeness.pipeline.preview;

/** Receives live previews on the sampling thread; must return quickly (hand the PNG on, do not block). */
@FunctionalInterface
public interface PreviewSink {
    PreviewSink NONE = frame -> { };

    void accept(PreviewFrame frame);
}
