package dev.likeness.server.api;

import dev.likeness.pipeline.preview.PreviewFrame;
import java.util.Base64;

/**
 * A live preview as the progress stream sends it: step {@code step} of {@code total}, image {@code image} of the
 * request, a {@code width × height} PNG in base64 (small enough to travel inline at two a second).
 */
public record PreviewView(int step, int total, int image, int width, int height, String png) {
    public static PreviewView of(PreviewFrame f) {
        return new PreviewView(f.step(), f.total(), f.image(), f.width(), f.height(),
                Base64.getEncoder().encodeToString(f.png()));
    }
}
