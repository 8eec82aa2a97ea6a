package dev.likeness.engine.sched;

import ai.djl.ndarray.NDArray;
import dev.likeness.engine.rng.TorchGenerator;

/** diffusers' EulerDiscreteScheduler (Karras et al. algorithm 2 without churn, so deterministic). */
public final class EulerScheduler extends SigmaScheduler {
    private EulerScheduler(SigmaSteps steps, float initNoiseSigma, PredictionType prediction) {
        super(steps, initNoiseSigma, prediction);
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
    public NDArray step(NDArray modelOutput, int i, NDArray sample, TorchGenerator gen) {
        cursor.advance(i);
        float sigma = steps.sigmas()[i];
        float dt = steps.sigmas()[i + 1] - sigma;
        return StepScope.result(() -> eulerMove(modelOutput, sample, sigma, dt));
    }
}
