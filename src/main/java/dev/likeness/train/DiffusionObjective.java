package dev.likeness.train;

import ai.djl.ndarray.NDArray;
import dev.likeness.engine.model.unet.UNet2DCondition;
import dev.likeness.engine.sched.NoiseSchedule;

/**
 * The noise-prediction objective every method trains with: z_t = a_t·z0 + s_t·ε, the UNet predicts ε (or v), and
 * the loss is the mean squared error, optionally weighted by a subject mask.
 */
public final class DiffusionObjective {
    private final UNet2DCondition unet;
    private final NoiseSchedule schedule;
    private final boolean vPrediction;

    public DiffusionObjective(UNet2DCondition unet, NoiseSchedule schedule, String predictionType) {
        this.unet = unet;
        this.schedule = schedule;
        this.vPrediction = "v_prediction".equals(predictionType);
        if (!vPrediction && !"epsilon".equals(predictionType)) {
            throw new IllegalArgumentException("training supports epsilon and v_prediction models, not " + predictionType);
        }
    }

    public NoiseSchedule schedule() {
        return schedule;
    }

    public boolean vPrediction() {
        return vPrediction;
    }

    public NDArray noisy(NDArray x0, NDArray noise, long[] timesteps) {
        return schedule.addNoise(x0, noise, timesteps);
    }

    /** ε for epsilon models, v = a_t·ε − s_t·z0 for v-prediction models. */
    public NDArray target(NDArray x0, NDArray noise, long[] timesteps) {
        return vPrediction ? schedule.getVelocity(x0, noise, timesteps) : noise;
    }

    public NDArray predict(NDArray noisy, long[] timesteps, NDArray context) {
        NDArray t = noisy.getManager().create(timesteps);
        return unet.forward(noisy.toType(context.getDataType(), false), t, context)
                .toType(noisy.getDataType(), false);
    }

    /** Mean squared error over all elements (F.mse_loss). */
    public static NDArray mse(NDArray prediction, NDArray target) {
        return prediction.sub(target).square().mean();
    }

    /**
     * Mean squared error weighted by a mask broadcastable to the latents (1 = subject): sum(m·e²)/sum(m·1), so an
     * all-ones mask equals {@link #mse}.
     */
    public static NDArray maskedMse(NDArray prediction, NDArray target, NDArray mask) {
        NDArray m = mask.broadcast(prediction.getShape());
        NDArray weighted = prediction.sub(target).square().mul(m).sum();
        return weighted.div(m.sum().maximum(1e-8f));
    }

    /**
     * Weight a subject mask keeps for the background: a tenth, as Perfusion's reference does, so the subject is what
     * is learned while the background still anchors the image statistics.
     */
    public static final float MASK_FLOOR = 0.1f;

    /**
     * The loss the methods train with: the plain {@link #mse} when no image of the batch has a subject mask (null),
     * else {@link #maskedMse} with the mask floored at {@link #MASK_FLOOR}.
     */
    public static NDArray subjectLoss(NDArray prediction, NDArray target, NDArray mask) {
        return mask == null ? mse(prediction, target) : maskedMse(prediction, target, mask.maximum(MASK_FLOOR));
    }

    /** One full loss evaluation: noise, predict, compare. */
    public NDArray loss(NDArray x0, NDArray noise, long[] timesteps, NDArray context) {
        NDArray pred = predict(noisy(x0, noise, timesteps), timesteps, context);
        return mse(pred, target(x0, noise, timesteps));
    }
}
