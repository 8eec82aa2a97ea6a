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

    @Override
    public NDArray addNoise(NDArray original, NDArray noise, int i) {
        cursor.check(i);
        return schedule.addNoise(original, noise, timesteps[i]);
    }
}
