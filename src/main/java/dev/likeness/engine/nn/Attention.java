package dev.likeness.engine.nn;

import ai.djl.ndarray.NDArray;

/**
 * Multi-head attention with its projections, named by its diffusers module path (e.g.
 * {@code up_blocks.3.attentions.2.transformer_blocks.0.attn1}). The computation goes through a replaceable
 * {@link AttentionProcessor}; {@link #standard} is the default.
 */
public final class Attention {
    /** The plain computation: project, attend over the context (or itself), project out. */
    public static final AttentionProcessor STANDARD = (attn, hidden, context, mask) -> {
        NDArray source = context == null ? hidden : context;
        NDArray q = attn.splitHeads(attn.toQ().forward(hidden));
        NDArray k = attn.splitHeads(attn.toK().forward(source));
        NDArray v = attn.splitHeads(attn.toV().forward(source));
        return attn.toOut().forward(attn.mergeHeads(attn.attend(q, k, v, mask)));
    };

    private final String path;
    private final Linear toQ;
    private final Linear toK;
    private final Linear toV;
    private final Linear toOut;
    private final int heads;
    private final boolean cross;
    private final boolean upcast;
    private volatile AttentionProcessor processor = STANDARD;

    public Attention(String path, Linear toQ, Linear toK, Linear toV, Linear toOut, int heads, boolean cross,
            boolean upcast) {
        this.path = path;
        this.toQ = toQ;
        this.toK = toK;
        this.toV = toV;
        this.toOut = toOut;
        this.heads = heads;
        this.cross = cross;
        this.upcast = upcast;
    }

    public NDArray forward(NDArray hidden, NDArray context, NDArray mask) {
        return processor.process(this, hidden, context, mask);
    }

    /** (batch, tokens, heads·dim) → (batch, heads, tokens, dim). */
    public NDArray splitHeads(NDArray x) {
        long b = x.getShape().get(0);
        long l = x.getShape().get(1);
        long c = x.getShape().get(2);
        return x.reshape(b, l, heads, c / heads).transpose(0, 2, 1, 3);
    }

    /** (batch, heads, tokens, dim) → (batch, tokens, heads·dim). */
    public NDArray mergeHeads(NDArray x) {
        long b = x.getShape().get(0);
        long l = x.getShape().get(2);
        long d = x.getShape().get(3);
        return x.transpose(0, 2, 1, 3).reshape(b, l, heads * d);
    }

    /** softmax(q·kᵀ/√d + mask)·v on split heads (torch's fused kernel unless disabled); fp32 when upcast. */
    public NDArray attend(NDArray q, NDArray k, NDArray v, NDArray mask) {
        if (FusedKernels.enabled()) {
            if (upcast && q.getDataType() != ai.djl.ndarray.types.DataType.FLOAT32) {
                ai.djl.ndarray.types.DataType type = q.getDataType();
                ai.djl.ndarray.types.DataType f32 = ai.djl.ndarray.types.DataType.FLOAT32;
                return FusedKernels.sdpa(q.toType(f32, false), k.toType(f32, false), v.toType(f32, false),
                        mask == null ? null : mask.toType(f32, false)).toType(type, false);
            }
            return FusedKernels.sdpa(q, k, v, mask);
        }
        return scaledDotProduct(q, k, v, mask, upcast);
    }

    /** The composed reference implementation of attention. */
    public static NDArray scaledDotProduct(NDArray q, NDArray k, NDArray v, NDArray mask, boolean upcast) {
        ai.djl.ndarray.types.DataType type = q.getDataType();
        boolean toFloat = upcast && type != ai.djl.ndarray.types.DataType.FLOAT32;
        NDArray qq = toFloat ? q.toType(ai.djl.ndarray.types.DataType.FLOAT32, false) : q;
        NDArray kk = toFloat ? k.toType(ai.djl.ndarray.types.DataType.FLOAT32, false) : k;
        float scale = (float) (1.0 / Math.sqrt(q.getShape().get(3)));
        NDArray scores = Ops.scale(qq.matMul(kk.transpose(0, 1, 3, 2)), scale);
        if (mask != null) {
            scores = scores.add(mask);
        }
        NDArray probs = scores.softmax(-1);
        if (toFloat) {
            probs = probs.toType(type, false);
        }
        return probs.matMul(v);
    }

    public String path() {
        return path;
    }

    public Linear toQ() {
        return toQ;
    }

    public Linear toK() {
        return toK;
    }

    public Linear toV() {
        return toV;
    }

    public Linear toOut() {
        return toOut;
    }

    public int heads() {
        return heads;
    }

    public boolean isCross() {
        return cross;
    }

    public AttentionProcessor processor() {
        return processor;
    }

    public void setProcessor(AttentionProcessor processor) {
        this.processor = processor == null ? STANDARD : processor;
    }
}
