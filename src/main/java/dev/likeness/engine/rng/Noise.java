package dev.likeness.engine.rng;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * Gaussian noise from torch's CPU stream ({@code torch.randn(shape, generator=gen)}), placed where it is used: same
 * seed, same image on every device. The one place the pipeline, the samplers and the training methods draw noise.
 */
public final class Noise {
    private Noise() {}

    /** On {@code m}'s device, float32. */
    public static NDArray randn(TorchGenerator gen, NDManager m, Shape shape) {
        return m.create(gen.randn(shape.getShape()), shape);
    }

    /** Shaped like {@code like}, on its manager, device and dtype; {@code sampler} names who needs it in the error. */
    public static NDArray like(NDArray like, TorchGenerator gen, String sampler) {
        if (gen == null) {
            throw new IllegalArgumentException(sampler + " draws noise and needs a TorchGenerator");
        }
        float[] data = gen.randn(like.getShape().getShape());
        return like.getManager().create(data, like.getShape())
                .toDevice(like.getDevice(), false)
                .toType(like.getDataType(), false);
    }
}
