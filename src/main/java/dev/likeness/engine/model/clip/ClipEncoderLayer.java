package dev.likeness.engine.model.clip;

import ai.djl.ndarray.NDArray;
import dev.likeness.engine.nn.Attention;
import dev.likeness.engine.nn.LayerNorm;
import dev.likeness.engine.nn.Linear;
import dev.likeness.engine.nn.Ops;
import dev.likeness.engine.nn.Params;

/** One pre-norm transformer layer of the CLIP text encoder. */
final class ClipEncoderLayer {
    private final LayerNorm norm1;
    private final LayerNorm norm2;
    private final Attention selfAttn;
    private final Linear fc1;
    private final Linear fc2;
    private final String activation;

    ClipEncoderLayer(Params p, ClipConfig c) {
        long d = c.hiddenSize();
        norm1 = new LayerNorm(p.sub("layer_norm1"), d, c.layerNormEps());
        norm2 = new LayerNorm(p.sub("layer_norm2"), d, c.layerNormEps());
        Params a = p.sub("self_attn");
        selfAttn = new Attention(a.prefix(), new Linear(a.sub("q_proj"), d, d, true),
                new Linear(a.sub("k_proj"), d, d, true), new Linear(a.sub("v_proj"), d, d, true),
                new Linear(a.sub("out_proj"), d, d, true), c.heads(), false, false);
        fc1 = new Linear(p.sub("mlp.fc1"), d, c.intermediateSize(), true);
        fc2 = new Linear(p.sub("mlp.fc2"), c.intermediateSize(), d, true);
        activation = c.activation();
    }

    NDArray forward(NDArray x, NDArray causalMask) {
        NDArray h = x.add(selfAttn.forward(norm1.forward(x), null, causalMask));
        return h.add(fc2.forward(Ops.activation(activation, fc1.forward(norm2.forward(h)))));
    }

    Attention attention() {
        return selfAttn;
    }
}
