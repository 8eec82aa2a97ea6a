package dev.likeness.methods.perfusion;

import dev.likeness.methods.TrainingRequest;
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
 * mask images (in the order of the images; white = subject), which take precedence.
 */
public final class PerfusionSetup {
    private PerfusionSetup() {}

    public static Perfusion create(SdModel model, TrainingRequest req, List<ReferenceImage> images)
            throws IOException {
        if (req.classWord() == null || req.classWord().isBlank()) {
            throw new IllegalArgumentException("Perfusion needs the subject's class word (--class), e.g. teddy");
        }
        PerfusionOptions s = (PerfusionOptions) req.settings();
        String token = req.token() != null ? req.token() : "<" + req.name() + ">";
        PerfusionConfig config = new PerfusionConfig(token, req.classWord(), s.templates(), s.flips(), s.beta(),
                s.tau(), s.ema());
        Covariance covariance = CovarianceStore.forModel(model, ProgressListener.NONE);
        return new Perfusion(model, config, covariance, withMasks(images, req.masks(), model));
    }

    static List<ReferenceImage> withMasks(List<ReferenceImage> images, List<Path> masks, SdModel model)
            throws IOException {
        if (masks.isEmpty()) {
            return images;
        }
        Path[] files = masks.toArray(Path[]::new);
        if (files.length != images.size()) {
            throw new IllegalArgumentException(files.length + " mask images for " + images.size()
                    + " reference images; give one mask per image, in the same order");
        }
        List<ReferenceImage> out = new ArrayList<>();
        for (int i = 0; i < files.length; i++) {
            ReferenceImage img = images.get(i);
            out.add(new ReferenceImage(img.rgb(), mask(files[i], img.size())));
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
