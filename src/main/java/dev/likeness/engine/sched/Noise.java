package dev.likeness.engine.sched;

import ai.djl.ndarray.NDArray;
import dev.likeness.engine.rng.TorchGenerator;

/** Fresh Gaussian noise for the stochastic samplers, drawn from torch's CPU stream. */
final class Noise {
    private Noise() {}

    /** {@code torch.randn(like.shape, generator=gen)} placed on {@code like}'s manager, device and dtype. */
    static NDArray like(NDArray like, TorchGenerator gen, String sampler) {
        if (gen == null) {
            throw new IllegalArgumentException(sampler + " draws noise and needs a TorchGenerator");
        }
        float[] data = gen.randn(like.getShape().getShape());
        return like.getManager().create(data, like.getShape())
                .toDevice(like.getDevice(), false)
                .toType(like.getDataType(), false);
    }
}
