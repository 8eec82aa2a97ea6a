package dev.likeness.pipeline;

import java.awt.image.BufferedImage;
import java.util.Map;

/** One finished image with the parameters that made it (prompt, seed, sampler, steps, concepts, ...). */
public record GeneratedImage(BufferedImage image, long seed, Map<String, Object> metadata) {
    public GeneratedImage {
        metadata = Map.copyOf(metadata);
    }
}
