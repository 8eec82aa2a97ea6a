package dev.likeness.pipeline;

import ai.djl.ndarray.NDManager;

/**
 * Sees every generation's request and its freshly encoded text states before sampling starts. Methods that edit
 * cross-attention per prompt register one on the model (Perfusion activates the concepts a prompt names here).
 */
@FunctionalInterface
public interface ConditioningHook {
    /** @param manager the request's manager: arrays made here live until the request ends */
    void prepare(GenerationRequest request, Conditioning conditioning, NDManager manager);
}
