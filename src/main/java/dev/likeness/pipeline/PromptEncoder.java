package dev.likeness.pipeline;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/** Turns prompts into the text states the UNet attends to. */
public final class PromptEncoder {
    private final SdModel model;

    public PromptEncoder(SdModel model) {
        this.model = model;
    }

    /** Token ids (1, 77) of a prompt. */
    public NDArray ids(String prompt, NDManager m) {
        long[] ids = model.tokenizer().encode(model.conceptTokens().expand(prompt));
        return m.create(ids, new Shape(1, ids.length));
    }

    /** Text states (1, 77, hidden) of one prompt. */
    public NDArray encode(String prompt, NDManager m) {
        return model.textEncoder().forward(ids(prompt, m), false).lastHiddenState();
    }
}
