package dev.likeness.pipeline.layoutretouch;

import dev.likeness.pipeline.GenerationRequest;

/**
 * A Layout-and-Retouch generation.
 *
 * @param generation      prompt (naming the concept), negative prompt, seed, steps, guidance, size, count; always
 *                        sampled with DDIM
 * @param layoutSteps     λ₁: steps with the base model and the class prompt (the diversity/identity knob)
 * @param retouchStrength the share of the steps stage 2 re-runs, or null for the default:
 *                        {@link #defaultRetouchStart}
 */
public record LayoutRetouchRequest(GenerationRequest generation, int layoutSteps, Float retouchStrength,
        RetouchSettings settings) {
    /** Share of the steps stage 2 re-runs at least when λ₁ leaves fewer (the editors' retouch default). */
    public static final float MIN_RETOUCH_STRENGTH = 0.6f;

    public LayoutRetouchRequest {
        if (generation.initImage() != null) {
            throw new IllegalArgumentException("layout-retouch draws its own layout; it takes no init image");
        }
        if (generation.sampler() != null && !generation.sampler().equals("ddim")) {
            throw new IllegalArgumentException("layout-retouch samples with ddim (stage 2 replays DDIM "
                    + "trajectories), not " + generation.sampler());
        }
        if (layoutSteps < 0 || layoutSteps > generation.steps()) {
            throw new IllegalArgumentException("layout steps must be between 0 and the step count ("
                    + generation.steps() + "), got " + layoutSteps);
        }
        if (retouchStrength != null && !(retouchStrength > 0 && retouchStrength <= 1)) {
            throw new IllegalArgumentException("retouch strength must be in (0, 1], got " + retouchStrength);
        }
        settings = settings == null ? RetouchSettings.DEFAULTS : settings;
    }

    /**
     * Where stage 2 starts: by default at λ₁, where the layout is fixed and the personalized steps begin (we re-run
     * those with the references' identity swapped in), but early enough to re-run at least
     * {@link #MIN_RETOUCH_STRENGTH} of the steps; with a strength, as img2img counts it.
     */
    public int retouchStart() {
        int steps = generation.steps();
        if (retouchStrength != null) {
            return Math.min(steps - 1, steps - Math.max(1, (int) (steps * retouchStrength)));
        }
        return Math.min(layoutSteps, steps - Math.max(1, (int) (steps * MIN_RETOUCH_STRENGTH)));
    }
}
