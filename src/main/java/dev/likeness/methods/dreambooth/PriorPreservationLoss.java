package dev.likeness.methods.dreambooth;

import ai.djl.ndarray.NDArray;
import dev.likeness.engine.nn.Ops;
import dev.likeness.train.DiffusionObjective;

/**
 * DreamBooth's loss with class-specific prior preservation, as diffusers' train_dreambooth computes it: instance and
 * class examples go through the UNet as one batch (instances first, each with its own noise and timestep), and
 * loss = MSE over the instance part + λ · MSE over the class part. Without class examples it is the plain MSE.
 */
public final class PriorPreservationLoss {
    /** The total and its two terms (the prior term is null without class examples). */
    public record Parts(NDArray total, NDArray instance, NDArray prior) {}

    private PriorPreservationLoss() {}

    /**
     * @param instances    how many of the batch's examples are instance examples (the rest are class examples)
     * @param priorWeight  λ
     * @param instanceMask subject masks of the instance examples, (instances, 1, h, w), or null
     */
    public static Parts loss(DiffusionObjective objective, NDArray x0, NDArray noise, long[] timesteps,
            NDArray context, int instances, float priorWeight, NDArray instanceMask) {
        NDArray pred = objective.predict(objective.noisy(x0, noise, timesteps), timesteps, context);
        NDArray target = objective.target(x0, noise, timesteps);
        long n = x0.getShape().get(0);
        if (instances == n) {
            NDArray inst = term(pred, target, instanceMask);
            return new Parts(inst, inst, null);
        }
        String head = "0:" + instances;
        String tail = instances + ":";
        NDArray inst = term(pred.get(head), target.get(head), instanceMask);
        NDArray prior = DiffusionObjective.mse(pred.get(tail), target.get(tail));
        NDArray total = inst.add(priorWeight == 1f ? prior : Ops.scale(prior, priorWeight));
        return new Parts(total, inst, prior);
    }

    private static NDArray term(NDArray pred, NDArray target, NDArray mask) {
        return mask == null ? DiffusionObjective.mse(pred, target) : DiffusionObjective.maskedMse(pred, target, mask);
    }
}
