package dev.likeness.engine.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/** Layer normalisation over the last dimension. */
public final class LayerNorm {
    private final Shape normalized;
    private final float eps;
    private final NDArray weight;
    private final NDArray bias;

    public LayerNorm(Params p, long dim, float eps) {
        this.normalized = new Shape(dim);
        this.eps = eps;
        this.weight = p.get("weight", dim);
        this.bias = p.get("bias", dim);
    }

    public NDArray forward(NDArray x) {
        return ai.djl.nn.norm.LayerNorm.layerNorm(x, normalized, weight, bias, eps).singletonOrThrow();
    }
}
