package dev.likeness.engine.sched;

import ai.djl.ndarray.NDArray;
import dev.likeness.engine.rng.TorchGenerator;

/** diffusers' EulerAncestralDiscreteScheduler: an Euler step to σ_down, then fresh noise of size σ_up. */
public final class EulerAncestralScheduler implements Scheduler {
    private final SigmaSteps steps;
    private final float initNoiseSigma;
    private final PredictionType prediction;
    private final StepCursor cursor;

    private EulerAncestralScheduler(SigmaSteps steps, float initNoiseSigma, PredictionType prediction) {
        this.steps = steps;
        this.initNoiseSigma = initNoiseSigma;
        this.prediction = prediction;
        this.cursor = new StepCursor(steps.timesteps().length);
    }

    static EulerAncestralScheduler create(SchedulerConfig c, int count) {
        if (c.predictionType() == PredictionType.SAMPLE) {
            throw new IllegalArgumentException("euler_a supports prediction_type epsilon and v_prediction only");
        }
        TimestepSpacing spacing = c.spacingOr(TimestepSpacing.LINSPACE);
        SigmaSteps steps = SigmaSteps.interpolated(SigmaSteps.noiseSchedule(c), spacing, count, c.stepsOffset(), 0f);
        return new EulerAncestralScheduler(steps, steps.initNoiseSigma(spacing), c.predictionType());
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
        float from = steps.sigmas()[i];
        float to = steps.sigmas()[i + 1];
        float from2 = from * from;
        float to2 = to * to;
        float up = (float) Math.sqrt(to2 * (from2 - to2) / from2);
        float down = (float) Math.sqrt(to2 - up * up);
        float dt = down - from;
        return StepScope.result(() -> {
            NDArray x0 = EulerScheduler.predictOriginal(prediction, modelOutput, sample, from);
            NDArray derivative = sample.sub(x0).div(from);
            NDArray prev = sample.add(derivative.mul(dt));
            // diffusers draws noise on every step, the last included
            return prev.add(Noise.like(modelOutput, gen, "euler_a").mul(up));
        });
    }

    @Override
    public NDArray addNoise(NDArray original, NDArray noise, int i) {
        cursor.check(i);
        float sigma = steps.sigmas()[i];
        return StepScope.result(() -> original.add(noise.mul(sigma)));
    }
}
