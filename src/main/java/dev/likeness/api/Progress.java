package dev.likeness.api;

/** Progress of a long call: {@code step} of {@code total}, with a short message. Called on the calling thread. */
@FunctionalInterface
public interface Progress {
    Progress NONE = (step, total, message) -> { };

    void onProgress(int step, int total, String message);
}
