package dev.likeness.api;

import java.awt.image.BufferedImage;
import java.util.Map;

/** A generated image, its seed, and every parameter that made it. */
public record Picture(BufferedImage image, long seed, Map<String, Object> parameters) {
    public Picture {
        parameters = Map.copyOf(parameters);
    }
}
