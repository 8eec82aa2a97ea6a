package dev.likeness.methods;

/**
 * A method's defaults for the shared training loop.
 *
 * @param lr       the learning rate; with {@code scaleLr} the base rate per example, multiplied by batch ×
 *                 gradient accumulation (the reference Textual Inversion's {@code scale_lr})
 * @param source   where these numbers come from
 */
public record LoopDefaults(int steps, double lr, int batch, int gradAccum, double weightDecay, double maxGradNorm,
        boolean scaleLr, String source) {}
