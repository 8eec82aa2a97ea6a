package dev.likeness.engine.nn;

import ai.djl.ndarray.NDArray;

/**
 * Changes what a {@link Linear} projection returns: LoRA adds a low-rank delta, Perfusion replaces the output of
 * cross-attention K/V with its gated rank-1 edit. Adapters are applied in the order they were added.
 */
@FunctionalInterface
public interface LinearAdapter {
    NDArray apply(NDArray input, NDArray output);
}
