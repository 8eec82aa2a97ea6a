package dev.likeness.engine.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/** 2-D convolution with square kernel, stride and symmetric padding. */
public final class Conv2d {
    private final NDArray weight;
    private final NDArray bias;
    private final Shape stride;
    private final Shape padding;
    private static final Shape DILATION = new Shape(1, 1);

    public Conv2d(Params p, long in, long out, int kernel, int stride, int padding) {
        this.weight = p.get("weight", out, in, kernel, kernel);
        this.bias = p.get("bias", out);
        this.stride = new Shape(stride, stride);
        this.padding = new Shape(padding, padding);
    }

    /** The common 3×3, stride 1, padding 1 convolution. */
    public static Conv2d same3x3(Params p, long in, long out) {
        return new Conv2d(p, in, out, 3, 1, 1);
    }

    public static Conv2d pointwise(Params p, long in, long out) {
        return new Conv2d(p, in, out, 1, 1, 0);
    }

    public NDArray forward(NDArray x) {
        return ai.djl.nn.convolutional.Conv2d.conv2d(x, weight, bias, stride, padding, DILATION, 1).singletonOrThrow();
    }
}
