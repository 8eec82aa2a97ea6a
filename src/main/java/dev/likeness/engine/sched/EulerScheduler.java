package dev.likeness.engine.sched;

import ai.djl.ndarray.NDArray;
import dev.likeness.engine.rng.TorchGenerator;

/** diffusers' EulerDiscreteScheduler (Karras et al. algorithm 2 without churn, so deterministic). */
public final class EulerScheduler implements Scheduler {
    private final SigmaSteps steps;
    private final float initNoiseSigma;
    private final PredictionType prediction;
    private final StepCursor cursor;

    private EulerScheduler(SigmaSteps steps, float initNoiseSigma, PredictionType prediction) {
        this.steps = steps;
        this.initNoiseSigma = initNoiseSigma;
        this.prediction = prediction;
        this.cursor = new StepCursor(steps.timesteps().length);
    }

    static EulerScheduler create(SchedulerConfig c, int count) {
        for (String key : new String[] {"use_karras_sigmas", "use_exponential_sigmas", "use_beta_sigmas"}) {
            c.requireOff(key, "euler");
        }
        if (!c.text("interpolation_type", "linear").equals("linear")) {
            throw new IllegalArgumentException("euler supports interpolation_type linear only");
        }
        if (c.text("timestep_type", "discrete").equals("continuous")
                && c.predictionType() == PredictionType.V_PREDICTION) {
            throw new IllegalArgumentException("euler does not support timestep_type continuous");
        }
        NoiseSchedule schedule = SigmaSteps.noiseSchedule(c);
        TimestepSpacing spacing = c.spacingOr(TimestepSpacing.LINSPACE);
        SigmaSteps steps = SigmaSteps.interpolated(schedule, spacing, count, c.stepsOffset(),
                SigmaSteps.finalSigma(c.text("final_sigmas_type", "zero"), schedule));
        return new EulerScheduler(steps, steps.initNoiseSigma(spacing), c.predictionType());
    }

    @Override
    public long[] timesteps() {
        return steps.truncatedTimesteps();
    }

    @Override
    public float[] modelTimesteps() {
        return steps.timesteps().clone();
    }

    @Override
    public float initNoiseSigma() {
        return initNoiseSigma;
    }

    @Override
    public void setBeginIndex(int index) {
        cursor.setBegin(index);
    }

    @Override
    public NDArray scaleModelInput(NDArray sample, int i) {
        cursor.check(i);
        float divisor = steps.inputDivisor(i);
        return StepScope.result(() -> sample.div(divisor));
    }

    @Override
    public NDArray step(NDArray modelOutput, int i, NDArray sample, TorchGenerator gen) {
        cursor.advance(i);
        float sigma = steps.sigmas()[i];
        float dt = steps.sigmas()[i + 1] - sigma;
        return StepScope.result(() -> {
            NDArray x0 = predictOriginal(prediction, modelOutput, sample, sigma);
            NDArray derivative = sample.sub(x0).div(sigma);
            return sample.add(derivative.mul(dt));
        });
    }

    /** The denoised estimate at noise level sigma (shared with Euler ancestral). */
    static NDArray predictOriginal(PredictionType prediction, NDArray modelOutput, NDArray sample, float sigma) {
        switch (prediction) {
            case EPSILON:
                return sample.sub(modelOutput.mul(sigma));
            case V_PREDICTION: {
                float sq = sigma * sigma + 1f;
                return modelOutput.mul(-sigma / (float) Math.sqrt(sq)).add(sample.div(sq));
            }
            case SAMPLE:
                return modelOutput;
            default:
                throw new AssertionError(prediction);
        }
    }

    @Override
    public NDArray addNoise(NDArray original, NDArray noise, int i) {
        cursor.check(i);
        float sigma = steps.sigmas()[i];
        return StepScope.result(() -> original.add(noise.mul(sigma)));
    }
}
