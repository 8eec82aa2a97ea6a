package dev.likeness.engine.sched;

import ai.djl.ndarray.NDArray;
import dev.likeness.engine.rng.Noise;
import dev.likeness.engine.rng.TorchGenerator;

/** diffusers' DDPMScheduler with the "fixed_small" posterior variance, stepping between the inference timesteps. */
public final class DdpmScheduler extends AlphaScheduler {
    private final NoiseSchedule schedule;
    private final PredictionType prediction;
    private final boolean clipSample;
    private final float clipRange;

    private DdpmScheduler(NoiseSchedule schedule, long[] timesteps, PredictionType prediction, boolean clipSample,
            float clipRange) {
        super(timesteps);
        this.schedule = schedule;
        this.prediction = prediction;
        this.clipSample = clipSample;
        this.clipRange = clipRange;
    }

    static DdpmScheduler create(SchedulerConfig c, int steps) {
        c.requireOff("thresholding", "ddpm");
        String variance = c.text("variance_type", "fixed_small");
        if (!variance.equals("fixed_small")) {
            throw new IllegalArgumentException("ddpm supports variance_type fixed_small only, got " + variance);
        }
        long[] timesteps = c.spacingOr(TimestepSpacing.LEADING).rounded(c.numTrainTimesteps(), steps, c.stepsOffset());
        return new DdpmScheduler(NoiseSchedule.of(c), timesteps, c.predictionType(), c.flag("clip_sample", true),
                (float) c.number("clip_sample_range", 1.0));
    }

    @Override
    public NDArray step(NDArray modelOutput, int i, NDArray sample, TorchGenerator gen) {
        cursor.advance(i);
        long t = timesteps[i];
        long prevT = i + 1 < timesteps.length ? timesteps[i + 1] : -1;
        float alpha = schedule.alphaCumprod(t);
        float alphaPrev = prevT >= 0 ? schedule.alphaCumprod(prevT) : 1f;
        float beta = 1f - alpha;
        float betaPrev = 1f - alphaPrev;
        float currentAlpha = alpha / alphaPrev;
        float currentBeta = 1f - currentAlpha;
        float x0Coeff = (float) Math.sqrt(alphaPrev) * currentBeta / beta;
        float sampleCoeff = (float) Math.sqrt(currentAlpha) * betaPrev / beta;
        float std = (float) Math.sqrt(Math.max(betaPrev / beta * currentBeta, 1e-20f));
        return StepScope.result(() -> {
            NDArray x0;
            switch (prediction) {
                case EPSILON:
                    x0 = sample.sub(modelOutput.mul((float) Math.sqrt(beta))).div((float) Math.sqrt(alpha));
                    break;
                case V_PREDICTION:
                    x0 = sample.mul((float) Math.sqrt(alpha)).sub(modelOutput.mul((float) Math.sqrt(beta)));
                    break;
                case SAMPLE:
                    x0 = modelOutput;
                    break;
                default:
                    throw new AssertionError(prediction);
            }
            if (clipSample) {
                x0 = x0.clip(-clipRange, clipRange);
            }
            NDArray prev = x0.mul(x0Coeff).add(sample.mul(sampleCoeff));
            if (t > 0) {
                prev = prev.add(Noise.like(modelOutput, gen, "ddpm").mul(std));
            }
            return prev;
        });
    }

    @Override
    public NDArray addNoise(NDArray original, NDArray noise, int i) {
        cursor.check(i);
        return schedule.addNoise(original, noise, timesteps[i]);
    }
}
