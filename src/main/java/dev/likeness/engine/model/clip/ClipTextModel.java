package dev.likeness.engine.model.clip;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.likeness.engine.nn.LayerNorm;
import dev.likeness.engine.nn.Params;
import java.util.ArrayList;
import java.util.List;

/** transformers' CLIPTextModel: token + position embeddings, causal pre-norm layers, final layer norm, pooling. */
public final class ClipTextModel {
    private final ClipConfig config;
    private final NDArray tokenEmbedding;
    private final NDArray positionEmbedding;
    private final List<ClipEncoderLayer> layers = new ArrayList<>();
    private final LayerNorm finalNorm;

    public ClipTextModel(Params root, ClipConfig c) {
        this.config = c;
        Params p = root.sub("text_model");
        tokenEmbedding = p.get("embeddings.token_embedding.weight", c.vocabSize(), c.hiddenSize());
        positionEmbedding = p.get("embeddings.position_embedding.weight", c.maxPositions(), c.hiddenSize());
        for (int i = 0; i < c.layers(); i++) {
            layers.add(new ClipEncoderLayer(p.sub("encoder.layers", i), c));
        }
        finalNorm = new LayerNorm(p.sub("final_layer_norm"), c.hiddenSize(), c.layerNormEps());
    }

    public ClipConfig config() {
        return config;
    }

    public NDArray tokenEmbedding() {
        return tokenEmbedding;
    }

    private volatile NDArray addedRows;

    /**
     * Rows for token ids at and above the base vocabulary (placeholder tokens of applied concepts), (n, hidden);
     * null for none. The base table itself is never modified.
     */
    public void setAddedRows(NDArray rows) {
        this.addedRows = rows;
    }

    public NDArray addedRows() {
        return addedRows;
    }

    public int baseVocabSize() {
        return (int) tokenEmbedding.getShape().get(0);
    }

    /** Embeds ids with the model's table and the applied concepts' added rows. */
    public NDArray embed(NDArray ids) {
        return embed(ids, addedRows);
    }

    /**
     * Embeds ids; ids ≥ the base vocabulary take their row from {@code extraRows} (row id − vocab). Gradients flow
     * into {@code extraRows} only, which is how Textual Inversion trains a new token.
     */
    public NDArray embed(NDArray ids, NDArray extraRows) {
        NDArray longIds = ids.toType(DataType.INT64, false);
        long vocab = tokenEmbedding.getShape().get(0);
        if (extraRows == null) {
            if (longIds.max().getLong() >= vocab) {
                throw new IllegalArgumentException("token id beyond the vocabulary and no concept rows applied");
            }
            return tokenEmbedding.get(longIds);
        }
        NDArray added = longIds.gte(vocab);
        NDArray baseIds = ai.djl.ndarray.NDArrays.where(added, longIds.zerosLike(), longIds);
        NDArray extraIds = ai.djl.ndarray.NDArrays.where(added, longIds.sub(vocab), longIds.zerosLike());
        if (extraIds.max().getLong() >= extraRows.getShape().get(0)) {
            throw new IllegalArgumentException("token id has no applied concept row");
        }
        NDArray base = tokenEmbedding.get(baseIds);
        // same dtype as the table first: DJL's where() drops the autograd graph when the two differ
        NDArray extra = extraRows.toType(tokenEmbedding.getDataType(), false).get(extraIds);
        return ai.djl.ndarray.NDArrays.where(added.expandDims(-1).broadcast(base.getShape()), extra, base);
    }

    /** Runs the encoder on ids (batch, tokens). */
    public TextEncoderOutput forward(NDArray ids, boolean allHiddenStates) {
        return forwardEmbeddings(embed(ids), ids, allHiddenStates);
    }

    /**
     * Runs the encoder on already-looked-up token embeddings (batch, tokens, hidden); Textual Inversion uses this to
     * substitute trainable rows. {@code ids} is needed to find the end-of-text position for pooling.
     */
    public TextEncoderOutput forwardEmbeddings(NDArray tokenEmbeds, NDArray ids, boolean allHiddenStates) {
        long length = tokenEmbeds.getShape().get(1);
        NDArray x = tokenEmbeds.add(positionEmbedding.get(new NDIndex("0:{}", length)).expandDims(0));
        NDArray mask = causalMask(x.getManager(), length, x.getDataType());
        List<NDArray> states = new ArrayList<>();
        if (allHiddenStates) {
            states.add(x);
        }
        for (ClipEncoderLayer layer : layers) {
            x = layer.forward(x, mask);
            if (allHiddenStates) {
                states.add(x);
            }
        }
        NDArray last = finalNorm.forward(x);
        return new TextEncoderOutput(last, pool(last, ids), states);
    }

    /** The output of layer {@code layers - skip} passed through the final norm (clip-skip; skip 1 = last layer). */
    public NDArray clipSkip(TextEncoderOutput out, int skip) {
        if (skip <= 1) {
            return out.lastHiddenState();
        }
        List<NDArray> states = out.hiddenStates();
        if (states.isEmpty()) {
            throw new IllegalArgumentException("clip skip needs all hidden states");
        }
        return finalNorm.forward(states.get(states.size() - skip));
    }

    private NDArray pool(NDArray last, NDArray ids) {
        long[] flat = ids.toType(DataType.INT64, false).toLongArray();
        long batch = ids.getShape().get(0);
        long length = ids.getShape().get(1);
        long[] positions = new long[(int) batch];
        for (int b = 0; b < batch; b++) {
            positions[b] = length - 1;
            for (int t = 0; t < length; t++) {
                if (flat[(int) (b * length + t)] == config.eosTokenId()) {
                    positions[b] = t;
                    break;
                }
            }
        }
        ai.djl.ndarray.NDList rows = new ai.djl.ndarray.NDList();
        for (int b = 0; b < batch; b++) {
            rows.add(last.get(b, positions[b]));
        }
        return ai.djl.ndarray.NDArrays.stack(rows);
    }

    private static NDArray causalMask(NDManager m, long length, DataType type) {
        float[] mask = new float[(int) (length * length)];
        for (int i = 0; i < length; i++) {
            for (int j = i + 1; j < length; j++) {
                mask[(int) (i * length + j)] = Float.NEGATIVE_INFINITY;
            }
        }
        return m.create(mask, new Shape(1, 1, length, length)).toType(type, false);
    }

    public List<dev.likeness.engine.nn.Attention> attentionLayers() {
        return layers.stream().map(ClipEncoderLayer::attention).toList();
    }
}
