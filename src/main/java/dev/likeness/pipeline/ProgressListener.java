package dev.likeness.pipeline;

/** Receives progress of a long-running engine call. Called on the worker thread; must return quickly. */
@FunctionalInterface
public interface ProgressListener {
    ProgressListener NONE = (step, total, message) -> { };

    void onProgress(int step, int total, String message);
}
