package dev.likeness.pipeline.layoutretouch;

import java.util.List;

/**
 * The knobs of stage 2 (methods.md §5.2; the defaults are the MasaCtrl/DreamMatcher conventions the section
 * reconstructs the method from).
 *
 * @param swap           swap self-attention K/V with the sources at all (off: the target is sampled alone)
 * @param maskedSwap     split foreground (references) and background (context) by the subject masks; off: every
 *                       target query attends to all sources at once
 * @param blend          keep the context outside the subject mask: latents blended every step, pixels at the end
 * @param swapBlocks     UNet blocks whose self-attention is swapped; empty: the decoder's two highest resolutions
 * @param swapFrom       fraction of the schedule after which swapping starts (DreamMatcher: step 4 of 50)
 * @param swapUntil      fraction of the schedule where it stops (1: to the end)
 * @param maskDownscale  cross-attention maps are read at latent size / this (16×16 maps at 512 px)
 * @param maskThreshold  of the min–max normalised map (DreamMatcher: 0.05)
 * @param maskDilation   latent cells the subject mask grows by before blending
 */
public record RetouchSettings(boolean swap, boolean maskedSwap, boolean blend, List<String> swapBlocks,
        float swapFrom, float swapUntil, int maskDownscale, float maskThreshold, int maskDilation) {
    public static final RetouchSettings DEFAULTS = new RetouchSettings(true, true, true, List.of(), 0.08f, 1f, 4,
            0.05f, 1);

    public RetouchSettings {
        swapBlocks = swapBlocks == null ? List.of() : List.copyOf(swapBlocks);
        if (!(swapFrom >= 0 && swapFrom <= swapUntil && swapUntil <= 1)) {
            throw new IllegalArgumentException("swap steps must satisfy 0 <= from <= until <= 1 (got " + swapFrom
                    + ", " + swapUntil + ")");
        }
        if (maskDownscale < 1 || Integer.bitCount(maskDownscale) != 1) {
            throw new IllegalArgumentException("mask downscale must be a power of two, got " + maskDownscale);
        }
        if (!(maskThreshold >= 0 && maskThreshold <= 1)) {
            throw new IllegalArgumentException("mask threshold must be in [0, 1], got " + maskThreshold);
        }
        if (maskDilation < 0 || maskDilation > 16) {
            throw new IllegalArgumentException("mask dilation must be 0..16 latent cells, got " + maskDilation);
        }
    }

    public RetouchSettings withSwap(boolean on) {
        return new RetouchSettings(on, maskedSwap, blend, swapBlocks, swapFrom, swapUntil, maskDownscale,
                maskThreshold, maskDilation);
    }

    public RetouchSettings withBlend(boolean on) {
        return new RetouchSettings(swap, maskedSwap, on, swapBlocks, swapFrom, swapUntil, maskDownscale,
                maskThreshold, maskDilation);
    }

    public RetouchSettings withMaskedSwap(boolean on) {
        return new RetouchSettings(swap, on, blend, swapBlocks, swapFrom, swapUntil, maskDownscale, maskThreshold,
                maskDilation);
    }

    /** First step (of {@code steps}) that swaps. */
    int swapStart(int steps) {
        return Math.round(swapFrom * steps);
    }

    /** Step (of {@code steps}) where swapping ends, exclusive. */
    int swapEnd(int steps) {
        return Math.round(swapUntil * steps);
    }
}
