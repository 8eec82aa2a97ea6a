package dev.likeness.engine.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * Group normalisation over NCHW (or NCL) input: torch's native kernel through {@link FusedKernels}, or composed
 * from layer norm over each group's elements (matches torch to ~1e-6).
 */
public final class GroupNorm {
    private final int groups;
    private final long channels;
    private final float eps;
    private final NDArray weight;
    private final NDArray bias;

    public GroupNorm(Params p, int groups, long channels, float eps) {
        this.groups = groups;
        this.channels = channels;
        this.eps = eps;
        this.weight = p.get("weight", channels);
        this.bias = p.get("bias", channels);
    }

    public NDArray forward(NDArray x) {
        if (FusedKernels.enabled()) {
            return FusedKernels.groupNorm(x, groups, weight, bias, eps);
        }
        return composed(x);
    }

    /** The composed reference: layer norm over each group, then the affine transform. */
    public NDArray composed(NDArray x) {
        Shape shape = x.getShape();
        long n = shape.get(0);
        long perGroup = shape.size() / n / groups;
        NDArray grouped = x.reshape(n, groups, perGroup);
        NDArray ones = x.getManager().ones(new Shape(perGroup), x.getDataType());
        NDArray zeros = x.getManager().zeros(new Shape(perGroup), x.getDataType());
        NDArray normed = ai.djl.nn.norm.LayerNorm.layerNorm(grouped, new Shape(perGroup), ones, zeros, eps)
                .singletonOrThrow().reshape(shape);
        long[] affine = new long[shape.dimension()];
        java.util.Arrays.fill(affine, 1);
        affine[1] = channels;
        return normed.mul(weight.reshape(affine)).add(bias.reshape(affine));
    }
}
