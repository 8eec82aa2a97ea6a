package dev.likeness.pipeline;

import ai.djl.ndarray.NDArray;

/**
 * Text states for classifier-free guidance. With guidance ≤ 1 diffusers skips the unconditional pass, so
 * {@code uncond} is null then.
 */
public record Conditioning(NDArray uncond, NDArray cond, float guidance) {
    public boolean guided() {
        return uncond != null;
    }

    /** The batch the UNet sees: [uncond; cond] when guided, as diffusers concatenates them. */
    public NDArray unetContext() {
        return guided() ? uncond.concat(cond, 0) : cond;
    }
}
