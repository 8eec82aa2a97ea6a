package dev.likeness.engine.sched;

import ai.djl.ndarray.NDArray;
import dev.likeness.engine.rng.TorchGenerator;

/** diffusers' DDIMScheduler with eta = 0 (deterministic). */
public final class DdimScheduler extends AlphaScheduler {
    private final NoiseSchedule schedule;
    private final int stepRatio;
    private final PredictionType prediction;
    private final boolean clipSample;
    private final float clipRange;
    private final float finalAlphaCumprod;

    private DdimScheduler(NoiseSchedule schedule, long[] timesteps, int stepRatio, PredictionType prediction,
            boolean clipSample, float clipRange, float finalAlphaCumprod) {
        super(timesteps);
        this.schedule = schedule;
        this.stepRatio = stepRatio;
        this.prediction = prediction;
        this.clipSample = clipSample;
        this.clipRange = clipRange;
        this.finalAlphaCumprod = finalAlphaCumprod;
    }

    static DdimScheduler create(SchedulerConfig c, int steps) {
        c.requireOff("thresholding", "ddim");
        NoiseSchedule schedule = NoiseSchedule.of(c);
        long[] timesteps = c.spacingOr(TimestepSpacing.LEADING).rounded(c.numTrainTimesteps(), steps, c.stepsOffset());
        float finalAlpha = c.flag("set_alpha_to_one", true) ? 1f : schedule.alphaCumprod(0);
        return new DdimScheduler(schedule, timesteps, c.numTrainTimesteps() / steps, c.predictionType(),
                c.flag("clip_sample", true), (float) c.number("clip_sample_range", 1.0), finalAlpha);
    }

    @Override
    public NDArray step(NDArray modelOutput, int i, NDArray sample, TorchGenerator gen) {
        cursor.advance(i);
        long t = timesteps[i];
        // DDIM steps back by the nominal ratio whatever the spacing, as diffusers does
        long prevT = t - stepRatio;
        float alpha = schedule.alphaCumprod(t);
        float alphaPrev = prevT >= 0 ? schedule.alphaCumprod(prevT) : finalAlphaCumprod;
        float beta = 1f - alpha;
        float sqrtAlpha = (float) Math.sqrt(alpha);
        float sqrtBeta = (float) Math.sqrt(beta);
        float sqrtAlphaPrev = (float) Math.sqrt(alphaPrev);
        float direction = (float) Math.sqrt(1f - alphaPrev);
        return StepScope.result(() -> {
            NDArray x0;
            NDArray eps;
            switch (prediction) {
                case EPSILON:
                    x0 = sample.sub(modelOutput.mul(sqrtBeta)).div(sqrtAlpha);
                    eps = modelOutput;
                    break;
                case SAMPLE:
                    x0 = modelOutput;
                    eps = sample.sub(x0.mul(sqrtAlpha)).div(sqrtBeta);
                    break;
                case V_PREDICTION:
                    x0 = sample.mul(sqrtAlpha).sub(modelOutput.mul(sqrtBeta));
                    eps = modelOutput.mul(sqrtAlpha).add(sample.mul(sqrtBeta));
                    break;
                default:
                    throw new AssertionError(prediction);
            }
            if (clipSample) {
                x0 = x0.clip(-clipRange, clipRange);
            }
            return x0.mul(sqrtAlphaPrev).add(eps.mul(direction));
        });
    }

    /**
     * DDIM inversion: the exact inverse of {@link #step} at index {@code i} for a given model output (clipping
     * aside). {@code sample} is at the noise level step {@code i} ends on; the result is the latent at
     * {@code timesteps()[i]} from which that step, with {@code modelOutput}, leads to {@code sample}. The step is
     * linear in (x_t, output): sample = p·x_t + q·output, so x_t = (sample − q·output)/p. For ε-prediction this is
     * diffusers' DDIMInverseScheduler update. Independent of the step cursor.
     */
    public NDArray invert(NDArray modelOutput, int i, NDArray sample) {
        cursor.check(i);
        long t = timesteps[i];
        long prevT = t - stepRatio;
        double a = schedule.alphaCumprod(t);
        double aPrev = prevT >= 0 ? schedule.alphaCumprod(prevT) : finalAlphaCumprod;
        double sa = Math.sqrt(a);
        double sb = Math.sqrt(1 - a);
        // x0 = ax·x + ao·out and eps = ex·x + eo·out, per prediction type, as in step()
        double ax;
        double ao;
        double ex;
        double eo;
        switch (prediction) {
            case EPSILON -> { ax = 1 / sa; ao = -sb / sa; ex = 0; eo = 1; }
            case SAMPLE -> { ax = 0; ao = 1; ex = 1 / sb; eo = -sa / sb; }
            case V_PREDICTION -> { ax = sa; ao = -sb; ex = sb; eo = sa; }
            default -> throw new AssertionError(prediction);
        }
        double p = Math.sqrt(aPrev) * ax + Math.sqrt(1 - aPrev) * ex;
        double q = Math.sqrt(aPrev) * ao + Math.sqrt(1 - aPrev) * eo;
        float scale = (float) (1 / p);
        float shift = (float) (q / p);
        return StepScope.result(() -> sample.mul(scale).sub(modelOutput.mul(shift)));
    }

    @Override
    public NDArray addNoise(NDArray original, NDArray noise, int i) {
        cursor.check(i);
        return schedule.addNoise(original, noise, timesteps[i]);
    }
}
