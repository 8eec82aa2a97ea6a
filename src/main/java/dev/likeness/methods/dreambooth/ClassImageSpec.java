package dev.likeness.methods.dreambooth;

/**
 * How prior-preservation class images are generated from the base model; image k uses seed {@code seed + k}, so a
 * larger count extends a smaller one.
 *
 * @param sampler null for the model's own scheduler
 */
public record ClassImageSpec(String prompt, int steps, float guidance, String sampler, int size, long seed) {
    public ClassImageSpec {
        if (steps < 1 || steps > 1000) {
            throw new IllegalArgumentException("class image steps must be 1..1000");
        }
    }
}
