package dev.likeness.engine.nn;

import ai.djl.ndarray.NDArray;

/**
 * The replaceable computation of one attention layer (like diffusers' attention processors). Methods that edit
 * attention install their own processor on chosen layers: Layout-and-Retouch swaps self-attention K/V, attention
 * stores capture cross-attention maps.
 *
 * @param hidden  the layer's input, (batch, tokens, channels)
 * @param context the cross-attention context (text states), or null for self-attention
 * @param mask    additive attention mask broadcastable to (batch, heads, queries, keys), or null
 */
@FunctionalInterface
public interface AttentionProcessor {
    NDArray process(Attention attention, NDArray hidden, NDArray context, NDArray mask);
}
