package dev.likeness.pipeline;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.likeness.engine.rng.TorchGenerator;

/** Gaussian noise from torch's CPU stream, placed on the manager's device (same seed, same image everywhere). */
public final class Noise {
    private Noise() {}

    public static NDArray randn(TorchGenerator gen, NDManager m, Shape shape) {
        return m.create(gen.randn(shape.getShape()), shape);
    }
}
