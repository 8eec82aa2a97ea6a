package dev.likeness.server.security;

import dev.likeness.server.api.ApiException;
import dev.likeness.server.config.Limits;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * PNG intake. The size is read from the IHDR chunk (bytes 16-23) and checked against the limits before any
 * decoder runs, so a small file declaring 20000×20000 pixels (a "PNG bomb") is refused without inflating it.
 */
public final class PngImages {
    private static final byte[] SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

    /**
     * What the IHDR declares.
     *
     * @param channels       samples per pixel (1 grey or palette, 2 grey + alpha, 3 RGB, 4 RGBA)
     * @param bytesPerSample 2 for 16-bit images, else 1
     */
    public record Header(int width, int height, int channels, int bytesPerSample) {
        /** Bytes of the decoded raster. */
        public long decodedBytes() {
            return (long) width * height * channels * bytesPerSample;
        }
    }

    private PngImages() {}

    public static Header inspect(byte[] data, Limits limits) {
        if (data.length < 33) {
            throw invalid("the file is too short to be a PNG");
        }
        for (int i = 0; i < SIGNATURE.length; i++) {
            if (data[i] != SIGNATURE[i]) {
                throw invalid("not a PNG file (the PNG signature is missing)");
            }
        }
        if (readInt(data, 8) != 13 || data[12] != 'I' || data[13] != 'H' || data[14] != 'D' || data[15] != 'R') {
            throw invalid("the PNG does not start with an IHDR chunk");
        }
        long width = readInt(data, 16) & 0xffffffffL;
        long height = readInt(data, 20) & 0xffffffffL;
        if (width == 0 || height == 0) {
            throw invalid("the PNG declares an empty image (" + width + "×" + height + ")");
        }
        if (width > limits.maxImageSide() || height > limits.maxImageSide()
                || width * height > limits.maxImagePixels()) {
            throw ApiException.tooLarge("IMAGE_TOO_LARGE", "image " + width + "×" + height + " exceeds the limit of "
                    + limits.maxImageSide() + " pixels per side and " + limits.maxImagePixels() + " pixels in all");
        }
        int bitDepth = data[24] & 0xff;
        int channels = switch (data[25] & 0xff) {
            case 0, 3 -> 1;
            case 4 -> 2;
            case 2 -> 3;
            case 6 -> 4;
            default -> throw invalid("the PNG declares an unknown colour type " + (data[25] & 0xff));
        };
        return new Header((int) width, (int) height, channels, bitDepth > 8 ? 2 : 1);
    }

    /**
     * Inspects, then decodes with metadata ignored. A decoder failure becomes a 400 with the decoder's reason, except
     * running out of memory, which is the server's fault (503 {@code OUT_OF_MEMORY}), never a bad image.
     */
    public static BufferedImage decode(byte[] data, Limits limits) {
        return decode(data, inspect(data, limits));
    }

    /** Decodes an image whose header was inspected already. */
    public static BufferedImage decode(byte[] data, Header header) {
        Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName("png");
        if (!readers.hasNext()) {
            throw new ApiException(500, "NO_PNG_DECODER", "this Java runtime has no PNG decoder");
        }
        ImageReader reader = readers.next();
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(data))) {
            reader.setInput(in, true, true);
            if (reader.getWidth(0) != header.width() || reader.getHeight(0) != header.height()) {
                throw invalid("the PNG header is inconsistent");
            }
            return reader.read(0);
        } catch (IOException | RuntimeException | OutOfMemoryError e) {
            throw failure(e);
        } finally {
            reader.dispose();
        }
    }

    /** What a decoder failure tells the client: out of memory (anywhere in the causes) is 503, the rest 400. */
    public static ApiException failure(Throwable e) {
        if (e instanceof ApiException api) {
            return api;
        }
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof OutOfMemoryError) {
                return new ApiException(503, "OUT_OF_MEMORY", "the server ran out of memory while decoding the image; "
                        + "try again shortly");
            }
        }
        String reason = e.getMessage() != null && !e.getMessage().isBlank() ? e.getMessage().strip()
                : e.getClass().getSimpleName();
        if (e.getCause() != null && e.getCause().getMessage() != null) {
            reason = reason.replaceAll(":$", "") + ": " + e.getCause().getMessage();
        }
        return invalid("the PNG could not be decoded: " + reason);
    }

    private static ApiException invalid(String message) {
        return new ApiException(400, "INVALID_IMAGE", message);
    }

    private static int readInt(byte[] b, int at) {
        return ((b[at] & 0xff) << 24) | ((b[at + 1] & 0xff) << 16) | ((b[at + 2] & 0xff) << 8) | (b[at + 3] & 0xff);
    }
}
