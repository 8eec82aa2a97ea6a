package dev.likeness.pipeline.preview;

/**
 * One live preview: step {@code step} of {@code total} (of the whole request), image {@code image} of the request,
 * as a PNG of {@code width × height}.
 */
public record PreviewFrame(int step, int total, int image, int width, int height, byte[] png) {}
