package dev.likeness.api;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import javax.imageio.ImageIO;

/**
 * One live preview: step {@code step} of {@code total} (of the whole call), image {@code index} of the batch, a
 * PNG of at most 256 px on its longer side.
 */
public record PreviewImage(int step, int total, int index, int width, int height, byte[] png) {
    public BufferedImage image() {
        try {
            return ImageIO.read(new ByteArrayInputStream(png));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
