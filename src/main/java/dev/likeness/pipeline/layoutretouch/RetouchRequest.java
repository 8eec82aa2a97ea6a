package dev.likeness.pipeline.layoutretouch;

import java.awt.image.BufferedImage;

/**
 * Retouch in place: an existing image (an editor layer) is the context, and the concept is painted into it.
 *
 * @param strength share of the steps re-run, as img2img counts it (the layout is inverted up to there)
 * @param layout   the context image; the result has its size
 * @param mask     where to paint (white = change), or null to find the subject from attention maps
 */
public record RetouchRequest(String prompt, String negativePrompt, long seed, int steps, float guidance,
        float strength, BufferedImage layout, BufferedImage mask, RetouchSettings settings) {
    public RetouchRequest {
        negativePrompt = negativePrompt == null ? "" : negativePrompt;
        settings = settings == null ? RetouchSettings.DEFAULTS : settings;
        if (prompt == null || prompt.isBlank()) {
            throw new IllegalArgumentException("retouch needs a prompt naming the concept");
        }
        if (steps < 1 || steps > 1000) {
            throw new IllegalArgumentException("steps must be between 1 and 1000");
        }
        if (!(guidance >= 0 && guidance <= 100)) {
            throw new IllegalArgumentException("guidance must be between 0 and 100");
        }
        if (!(strength > 0 && strength <= 1)) {
            throw new IllegalArgumentException("strength must be in (0, 1]");
        }
        if (layout == null) {
            throw new IllegalArgumentException("retouch needs a layout image");
        }
        if (layout.getWidth() > 4096 || layout.getHeight() > 4096) {
            throw new IllegalArgumentException("the layout is larger than 4096 pixels on a side");
        }
    }

    /** img2img's start: skip the first (1 − strength) of the steps, running at least one. */
    public int start() {
        return Math.min(steps - 1, steps - Math.max(1, (int) (steps * strength)));
    }

    /** The size stage 2 works at: the layout's, rounded to multiples of 8 (at least 8). */
    public int workWidth() {
        return Math.max(8, Math.round(layout.getWidth() / 8f) * 8);
    }

    public int workHeight() {
        return Math.max(8, Math.round(layout.getHeight() / 8f) * 8);
    }
}
