package dev.likeness.engine.model.clip;

import ai.djl.ndarray.NDArray;
import java.util.List;

/**
 * @param lastHiddenState the final-layer-normed output, (batch, tokens, hidden)
 * @param pooled          lastHiddenState at each sequence's first end-of-text token, (batch, hidden)
 * @param hiddenStates    embeddings then every layer's output (before the final norm), when requested; else empty
 */
public record TextEncoderOutput(NDArray lastHiddenState, NDArray pooled, List<NDArray> hiddenStates) {}
