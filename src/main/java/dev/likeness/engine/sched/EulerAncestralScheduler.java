package dev.likeness.engine.sched;

import ai.djl.ndarray.NDArray;
import dev.likeness.engine.rng.Noise;
import dev.likeness.engine.rng.TorchGenerator;

/** diffusers' EulerAncestralDiscreteScheduler: an Euler step to σ_down, then fresh noise of size σ_up. */
public final class EulerAncestralScheduler extends SigmaScheduler {
    private EulerAncestralScheduler(SigmaSteps steps, float initNoiseSigma, PredictionType prediction) {
        super(steps, initNoiseSigma, prediction);
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
            NDArray prev = eulerMove(modelOutput, sample, from, dt);
            // diffusers draws noise on every step, the last included
            return prev.add(Noise.like(modelOutput, gen, "euler_a").mul(up));
        });
    }
}
