package dev.likeness.pipeline.preview;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.likeness.engine.sched.NoiseSchedule;
import dev.likeness.engine.sched.PredictionType;
import dev.likeness.engine.sched.SchedulerConfig;
import org.junit.jupiter.api.Test;

/** x̂₀ recovers the clean latent from a noised one for ε- and v-prediction, and reads ᾱ between timesteps. */
class X0PredictionTest {
    private final NoiseSchedule schedule = NoiseSchedule.of(SchedulerConfig.defaults());

    @Test
    void epsilonAndVelocityRecoverTheCleanLatent() {
        float[] x0 = {0.5f, -1.25f, 2f};
        float[] eps = {1f, 0.3f, -0.7f};
        int t = 600;
        double a = schedule.alphasCumprod()[t];
        float[] noisy = new float[3];
        float[] v = new float[3];
        for (int i = 0; i < 3; i++) {
            noisy[i] = (float) (Math.sqrt(a) * x0[i] + Math.sqrt(1 - a) * eps[i]);
            v[i] = (float) (Math.sqrt(a) * eps[i] - Math.sqrt(1 - a) * x0[i]);
        }
        assertArrayEquals(x0, new X0Prediction(PredictionType.EPSILON, schedule).x0(noisy, eps, 3, t), 1e-4f);
        assertArrayEquals(x0, new X0Prediction(PredictionType.V_PREDICTION, schedule).x0(noisy, v, 3, t), 1e-4f);
        assertArrayEquals(x0, new X0Prediction(PredictionType.SAMPLE, schedule).x0(noisy, x0, 3, t));
    }

    @Test
    void fractionalTimestepsInterpolate() {
        X0Prediction p = new X0Prediction(PredictionType.EPSILON, schedule);
        float[] ac = schedule.alphasCumprod();
        assertEquals((ac[10] + ac[11]) / 2, p.alphaBar(10.5f), 1e-7);
        assertEquals(ac[999], p.alphaBar(1200f), 1e-9);
        assertEquals(ac[0], p.alphaBar(-3f), 1e-9);
    }
}
