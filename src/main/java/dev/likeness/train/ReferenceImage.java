package dev.likeness.train;

import com.drew.imaging.ImageMetadataReader;
import com.drew.imaging.ImageProcessingException;
import com.drew.metadata.Metadata;
import com.drew.metadata.MetadataException;
import com.drew.metadata.exif.ExifIFD0Directory;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/**
 * A reference image made ready for training: EXIF orientation applied, resized so the short side is the model's
 * resolution, center-cropped to a square. RGBA images keep their alpha as the subject mask (1 = subject).
 *
 * @param rgb  the square image, opaque
 * @param mask the alpha channel in [0, 1] (row-major, size×size), or null for images without transparency
 */
public record ReferenceImage(BufferedImage rgb, float[] mask) {

    public static ReferenceImage load(Path file, int size) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException("no such image: " + file);
        }
        BufferedImage img;
        try {
            img = ImageIO.read(file.toFile());
        } catch (IOException e) {
            throw new IOException("cannot read image " + file.getFileName() + ": " + e.getMessage(), e);
        }
        if (img == null) {
            throw new IOException("not a readable image (PNG, JPEG, BMP, GIF): " + file.getFileName());
        }
        return of(upright(img, orientation(file)), size, img.getColorModel().hasAlpha());
    }

    public static ReferenceImage of(BufferedImage img, int size) {
        return of(img, size, img.getColorModel().hasAlpha());
    }

    private static ReferenceImage of(BufferedImage img, int size, boolean hasAlpha) {
        BufferedImage square = centerCrop(img, size);
        float[] mask = hasAlpha ? alpha(square) : null;
        BufferedImage rgb = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = rgb.createGraphics();
        g.drawImage(square, 0, 0, null);
        g.dispose();
        return new ReferenceImage(rgb, mask);
    }

    private static int orientation(Path file) {
        try {
            Metadata md = ImageMetadataReader.readMetadata(file.toFile());
            ExifIFD0Directory dir = md.getFirstDirectoryOfType(ExifIFD0Directory.class);
            if (dir != null && dir.containsTag(ExifIFD0Directory.TAG_ORIENTATION)) {
                return dir.getInt(ExifIFD0Directory.TAG_ORIENTATION);
            }
        } catch (ImageProcessingException | MetadataException | IOException e) {
            return 1; // no readable EXIF: take the pixels as stored
        }
        return 1;
    }

    /** Applies an EXIF orientation (1..8) so the image is upright. */
    static BufferedImage upright(BufferedImage img, int orientation) {
        if (orientation <= 1 || orientation > 8) {
            return img;
        }
        int w = img.getWidth();
        int h = img.getHeight();
        boolean swap = orientation >= 5;
        int ow = swap ? h : w;
        int oh = swap ? w : h;
        BufferedImage out = new BufferedImage(ow, oh, BufferedImage.TYPE_INT_ARGB);
        for (int y = 0; y < oh; y++) {
            for (int x = 0; x < ow; x++) {
                int sx;
                int sy;
                switch (orientation) {
                    case 2 -> { sx = w - 1 - x; sy = y; }          // mirrored
                    case 3 -> { sx = w - 1 - x; sy = h - 1 - y; }  // rotated 180
                    case 4 -> { sx = x; sy = h - 1 - y; }          // flipped vertically
                    case 5 -> { sx = y; sy = x; }                  // transposed
                    case 6 -> { sx = y; sy = h - 1 - x; }          // needs 90 clockwise
                    case 7 -> { sx = w - 1 - y; sy = h - 1 - x; }  // transversed
                    default -> { sx = w - 1 - y; sy = x; }         // needs 90 counter-clockwise
                }
                out.setRGB(x, y, img.getRGB(sx, sy));
            }
        }
        return out;
    }

    /** Scales the short side to {@code size} (bicubic) and cuts the centre square. */
    static BufferedImage centerCrop(BufferedImage img, int size) {
        double scale = (double) size / Math.min(img.getWidth(), img.getHeight());
        int w = Math.max(size, (int) Math.round(img.getWidth() * scale));
        int h = Math.max(size, (int) Math.round(img.getHeight() * scale));
        BufferedImage out = new BufferedImage(size, size, BufferedImage.TYPE_INT_ARGB);
        Graphics2D g = out.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BICUBIC);
        g.drawImage(img, -(w - size) / 2, -(h - size) / 2, w, h, null);
        g.dispose();
        return out;
    }

    private static float[] alpha(BufferedImage img) {
        int n = img.getWidth() * img.getHeight();
        int[] argb = img.getRGB(0, 0, img.getWidth(), img.getHeight(), null, 0, img.getWidth());
        float[] mask = new float[n];
        for (int i = 0; i < n; i++) {
            mask[i] = ((argb[i] >>> 24) & 0xFF) / 255f;
        }
        return mask;
    }

    public int size() {
        return rgb.getWidth();
    }

    /** The image mirrored left-right (mask too). */
    public ReferenceImage flipped() {
        int s = size();
        BufferedImage out = new BufferedImage(s, s, BufferedImage.TYPE_INT_RGB);
        float[] m = mask == null ? null : new float[mask.length];
        for (int y = 0; y < s; y++) {
            for (int x = 0; x < s; x++) {
                out.setRGB(s - 1 - x, y, rgb.getRGB(x, y));
                if (m != null) {
                    m[y * s + (s - 1 - x)] = mask[y * s + x];
                }
            }
        }
        return new ReferenceImage(out, m);
    }
}
