package dev.likeness.engine.model.unet;

import ai.djl.ndarray.NDArray;
import dev.likeness.engine.nn.Attention;
import dev.likeness.engine.nn.LayerNorm;
import dev.likeness.engine.nn.Linear;
import dev.likeness.engine.nn.Params;

/** Self-attention, cross-attention and feed-forward, each pre-normed with a residual. */
final class BasicTransformerBlock {
    private final LayerNorm norm1;
    private final Attention attn1;
    private final LayerNorm norm2;
    private final Attention attn2;
    private final LayerNorm norm3;
    private final FeedForward ff;

    BasicTransformerBlock(Params p, long dim, int heads, long crossDim, boolean upcast) {
        norm1 = new LayerNorm(p.sub("norm1"), dim, 1e-5f);
        attn1 = attention(p.sub("attn1"), dim, dim, heads, false, upcast);
        norm2 = new LayerNorm(p.sub("norm2"), dim, 1e-5f);
        attn2 = attention(p.sub("attn2"), dim, crossDim, heads, true, upcast);
        norm3 = new LayerNorm(p.sub("norm3"), dim, 1e-5f);
        ff = new FeedForward(p.sub("ff"), dim);
    }

    private static Attention attention(Params p, long dim, long contextDim, int heads, boolean cross,
            boolean upcast) {
        return new Attention(p.prefix(), new Linear(p.sub("to_q"), dim, dim, false),
                new Linear(p.sub("to_k"), contextDim, dim, false), new Linear(p.sub("to_v"), contextDim, dim, false),
                new Linear(p.sub("to_out.0"), dim, dim, true), heads, cross, upcast);
    }

    NDArray forward(NDArray x, NDArray context) {
        NDArray h = x.add(attn1.forward(norm1.forward(x), null, null));
        h = h.add(attn2.forward(norm2.forward(h), context, null));
        return h.add(ff.forward(norm3.forward(h)));
    }

    Attention selfAttention() {
        return attn1;
    }

    Attention crossAttention() {
        return attn2;
    }
}
