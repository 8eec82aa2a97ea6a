package dev.likeness.train;

import ai.djl.ndarray.NDArray;
import dev.likeness.engine.rng.TorchGenerator;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * What one personalization method contributes to the shared {@link TrainingLoop}: its trainable tensors, the loss
 * of one (micro-)batch, and how the result is saved as a concept.
 */
public interface TrainingMethod extends AutoCloseable {
    /** Trainable leaf tensors by stable name; the loop makes them require gradients and optimizes them. */
    Map<String, NDArray> trainables();

    /** Learning rate multiplier per trainable (Perfusion trains two groups at different rates). Default 1. */
    default double lrScale(String trainable) {
        return 1.0;
    }

    /**
     * Non-trainable tensors the method changes while training (Perfusion's running average i*), by stable name; they
     * are saved in checkpoints and restored in place so a resumed run continues exactly. Default none.
     */
    default Map<String, NDArray> buffers() {
        return Map.of();
    }

    /** Loss of one batch drawn with {@code rng}; called with gradient recording on, inside a per-step scope. */
    NDArray loss(TorchGenerator rng, int batchSize);

    /**
     * The loss of one batch drawn with {@code rng} as evaluation sees it; called with gradients off, inside a scope.
     * Default {@link #loss}; a method whose training loss also updates state (Perfusion's i*) overrides it.
     */
    default NDArray evalBatchLoss(TorchGenerator rng, int batchSize) {
        return loss(rng, batchSize);
    }

    /** The loss on a fixed evaluation batch (fixed seed: same images, noise and timesteps every call). */
    default double evalLoss(long seed, int batchSize) {
        return GradMode.offInScope(() -> (double) evalBatchLoss(new TorchGenerator(seed), batchSize).getFloat());
    }

    /**
     * How a sample image shows the concept as it is mid-training: a prompt naming it, and the token vectors the
     * method trains outside the model's embedding table (the sampler puts them in the table first). Everything else
     * a method trains (LoRA, UNet weights, Perfusion's edits) already acts on the model while it trains.
     */
    record Sample(String prompt, Map<String, NDArray> tokens) {}

    /**
     * The method's {@link Sample}; null when it cannot show samples. Called once per sample image, with gradients off
     * and inside the sampler's scope, so a method may make there what its modules need outside a training step.
     */
    default Sample sample() {
        return null;
    }

    /** Called after each optimizer step with gradients off (e.g. an EMA update). */
    default void afterStep(int step) {}

    /** Writes the finished concept (concept.json and payload) into an empty folder. */
    void saveConcept(Path dir, String name) throws IOException;

    @Override
    void close();
}
