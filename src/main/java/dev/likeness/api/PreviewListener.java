package dev.likeness.api;

/**
 * Receives live previews while a generation samples: at most 2 a second and always one for the last step, each a
 * small picture of what the current step predicts. Called on the calling thread; must return quickly.
 */
@FunctionalInterface
public interface PreviewListener {
    PreviewListener NONE = preview -> { };

    void onPreview(PreviewImage preview);
}
