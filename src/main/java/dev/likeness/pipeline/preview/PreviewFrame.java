package dev.likeness.pipeline.preview;

import dev.likeness.pipeline.ImageTensors;
import java.awt.image.BufferedImage;

/**
 * One live preview: step {@code step} of {@code total} (of the whole request), image {@code image} of the request,
 * as a PNG of {@code width × height}.
 */
public record PreviewFrame(int step, int total, int image, int width, int height, byte[] png) {
    /** A finished picture (a training sample) as a preview: at most {@link LivePreview#MAX_SIDE} on its longer side. */
    public static PreviewFrame of(BufferedImage picture, int step, int total) {
        int[] size = LivePreview.size(picture.getWidth(), picture.getHeight(), LivePreview.MAX_SIDE);
        BufferedImage small = size[0] == picture.getWidth() && size[1] == picture.getHeight() ? picture
                : ImageTensors.resize(picture, size[0], size[1]);
        return new PreviewFrame(step, total, 0, size[0], size[1], LivePreview.png(small));
    }
}
