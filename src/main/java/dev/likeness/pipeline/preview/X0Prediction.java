package dev.likeness.pipeline.preview;

import dev.likeness.engine.sched.NoiseSchedule;
import dev.likeness.engine.sched.PredictionType;
import dev.likeness.engine.sched.SchedulerConfig;

/**
 * x̂₀ from one UNet prediction. Every sampler feeds the UNet a variance-preserving sample √ᾱ·x0 + √(1−ᾱ)·ε (the
 * σ-samplers divide x0 + σ·ε by √(σ²+1), which is the same thing), so one formula serves them all:
 * ε-prediction x0 = (x − √(1−ᾱ)·ε)/√ᾱ, v-prediction x0 = √ᾱ·x − √(1−ᾱ)·v. ᾱ is read at the model's timestep,
 * linearly between training timesteps for the fractional ones of the Euler samplers.
 */
public final class X0Prediction {
    private final PredictionType type;
    private final float[] alphasCumprod;

    public X0Prediction(PredictionType type, NoiseSchedule schedule) {
        this.type = type;
        this.alphasCumprod = schedule.alphasCumprod();
    }

    public static X0Prediction of(SchedulerConfig config) {
        return new X0Prediction(config.predictionType(), NoiseSchedule.of(config));
    }

    /** ᾱ at a (possibly fractional) model timestep. */
    double alphaBar(float t) {
        double clamped = Math.max(0, Math.min(alphasCumprod.length - 1, t));
        int lo = (int) Math.floor(clamped);
        int hi = Math.min(lo + 1, alphasCumprod.length - 1);
        double f = clamped - lo;
        return alphasCumprod[lo] * (1 - f) + alphasCumprod[hi] * f;
    }

    /** x̂₀ of the first {@code n} values of {@code input} (what the UNet saw) and {@code output} (its prediction). */
    public float[] x0(float[] input, float[] output, int n, float timestep) {
        float[] x0 = new float[n];
        if (type == PredictionType.SAMPLE) {
            System.arraycopy(output, 0, x0, 0, n);
            return x0;
        }
        // a zero-terminal-SNR schedule has ᾱ = 0 at its last timestep: x̂₀ is then the v-prediction alone
        double a = Math.max(alphaBar(timestep), 1e-8);
        double sa = Math.sqrt(a);
        double s1 = Math.sqrt(1 - a);
        for (int i = 0; i < n; i++) {
            x0[i] = type == PredictionType.V_PREDICTION ? (float) (sa * input[i] - s1 * output[i])
                    : (float) ((input[i] - s1 * output[i]) / sa);
        }
        return x0;
    }
}
