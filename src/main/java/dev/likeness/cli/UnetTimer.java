package dev.likeness.cli;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.likeness.engine.rng.TorchGenerator;
import dev.likeness.pipeline.SdModel;

/** Times UNet forwards as sampling runs them (grad mode off), on seeded random inputs at t = 500 (batch 2 is one guided sampling step). */
final class UnetTimer {
    private UnetTimer() {}

    /** Milliseconds of each of {@code runs} forwards after {@code warmup} untimed ones. */
    static double[] forwardMs(SdModel sd, int batch, int latent, int warmup, int runs) {
        double[] ms = new double[runs];
        try (NDManager m = NDManager.newBaseManager()) {
            TorchGenerator rng = new TorchGenerator(0);
            Shape sampleShape = new Shape(batch, sd.unet().config().inChannels(), latent, latent);
            NDArray sample = m.create(rng.randn(sampleShape.getShape()), sampleShape);
            NDArray t = m.full(new Shape(batch), 500f).toType(DataType.FLOAT32, false);
            Shape contextShape = new Shape(batch, 77, sd.unet().config().crossAttentionDim());
            NDArray context = m.create(rng.randn(contextShape.getShape()), contextShape);
            for (int i = 0; i < warmup + runs; i++) {
                try (NDScope step = new NDScope()) { // every intermediate of the forward is freed after it
                    long s = System.nanoTime();
                    sd.unet().forwardInference(sample, t, context).toFloatArray(); // as sampling runs it; waits for it
                    if (i >= warmup) {
                        ms[i - warmup] = (System.nanoTime() - s) / 1e6;
                    }
                }
            }
        }
        return ms;
    }
}
