package dev.likeness.methods.perfusion;

import dev.likeness.methods.PersonalizeRequest;
import dev.likeness.pipeline.ProgressListener;
import dev.likeness.pipeline.SdModel;
import dev.likeness.train.ReferenceImage;
import java.awt.image.BufferedImage;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;

/**
 * Builds a Perfusion run from a personalization request: the token (default {@code <name>}), the class word, the
 * model's covariance, and the subject masks. A mask comes from the image's alpha channel, or from the request's
 * {@code masks} (mask images in the order of the images, joined by the path separator; white = subject), which
 * take precedence.
 */
public final class PerfusionSetup {
    private PerfusionSetup() {}

    public static Perfusion create(SdModel model, PersonalizeRequest req, List<ReferenceImage> images)
            throws IOException {
        if (req.classWord() == null || req.classWord().isBlank()) {
            throw new IllegalArgumentException("Perfusion needs the subject's class word (--class), e.g. teddy");
        }
        String token = req.token() != null ? req.token() : "<" + req.name() + ">";
        PerfusionConfig config = new PerfusionConfig(token, req.classWord(), req.extra("templates", "object"),
                Boolean.parseBoolean(req.extra("flips", "true")), number(req, "beta", PerfusionConfig.TRAIN_BETA),
                number(req, "tau", PerfusionConfig.TRAIN_TAU), number(req, "ema", PerfusionConfig.EMA));
        Covariance covariance = CovarianceStore.forModel(model, ProgressListener.NONE);
        return new Perfusion(model, config, covariance, withMasks(images, req.extra("masks", ""), model));
    }

    private static double number(PersonalizeRequest req, String key, double fallback) {
        String v = req.extra(key, null);
        try {
            return v == null ? fallback : Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be a number, not '" + v + "'");
        }
    }

    static List<ReferenceImage> withMasks(List<ReferenceImage> images, String masks, SdModel model)
            throws IOException {
        if (masks.isBlank()) {
            return images;
        }
        String[] files = masks.split(java.util.regex.Pattern.quote(File.pathSeparator));
        if (files.length != images.size()) {
            throw new IllegalArgumentException(files.length + " mask images for " + images.size()
                    + " reference images; give one mask per image, in the same order");
        }
        List<ReferenceImage> out = new ArrayList<>();
        for (int i = 0; i < files.length; i++) {
            ReferenceImage img = images.get(i);
            out.add(new ReferenceImage(img.rgb(), mask(Path.of(files[i]), img.size())));
        }
        return out;
    }

    /** A mask image cropped like the reference images, as brightness in [0, 1] (transparent counts as black). */
    static float[] mask(Path file, int size) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException("no such mask image: " + file);
        }
        BufferedImage img = ImageIO.read(file.toFile());
        if (img == null) {
            throw new IOException("not a readable mask image: " + file.getFileName());
        }
        BufferedImage square = ReferenceImage.of(img, size).rgb();
        float[] mask = new float[size * size];
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                int rgb = square.getRGB(x, y);
                mask[y * size + x] = (0.299f * ((rgb >> 16) & 0xFF) + 0.587f * ((rgb >> 8) & 0xFF)
                        + 0.114f * (rgb & 0xFF)) / 255f;
            }
        }
        return mask;
    }
}
