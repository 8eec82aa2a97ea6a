package dev.likeness.engine.sched;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import dev.likeness.testing.Golden;
import dev.likeness.util.Json;
import java.io.IOException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The training schedule and forward process against diffusers' DDPMScheduler. */
class SchedulerNoiseScheduleTest {

    @ParameterizedTest
    @ValueSource(strings = {"sd1", "sd2"})
    void alphasCumprodAreBitIdentical(String family) throws IOException {
        try (SchedulerGolden g = SchedulerGolden.open(family); NDManager m = NDManager.newBaseManager()) {
            float[] expected = g.file.load("train.alphas_cumprod", m).toFloatArray();
            assertArrayEquals(expected, NoiseSchedule.of(g.modelConfig()).alphasCumprod());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sd1", "sd2"})
    void addNoiseAndVelocityMatchDiffusers(String family) throws IOException {
        try (SchedulerGolden g = SchedulerGolden.open(family); NDManager m = NDManager.newBaseManager()) {
            NoiseSchedule schedule = NoiseSchedule.of(g.modelConfig());
            NDArray x0 = g.file.load("train.x0", m);
            NDArray noise = g.file.load("train.noise", m);
            long[] t = g.file.load("train.timesteps", m).toType(DataType.INT64, false).toLongArray();
            NDArray noisy = schedule.addNoise(x0, noise, t);
            NDArray velocity = schedule.getVelocity(x0, noise, t);
            float noisyErr = Golden.maxAbsDiff(noisy, g.file.load("train.noisy", m));
            float velocityErr = Golden.maxAbsDiff(velocity, g.file.load("train.velocity", m));
            System.out.printf("train %s: add_noise %.3g, get_velocity %.3g%n", family, noisyErr, velocityErr);
            assertTrue(noisyErr <= 1e-6, "add_noise error " + noisyErr);
            assertTrue(velocityErr <= 1e-6, "get_velocity error " + velocityErr);
        }
    }

    @Test
    void resultsBelongToTheCallersScope() {
        try (NDManager m = NDManager.newBaseManager()) {
            NoiseSchedule schedule = NoiseSchedule.of(SchedulerConfig.defaults());
            NDArray x0 = m.ones(new ai.djl.ndarray.types.Shape(2, 4, 2, 2));
            NDArray noisy;
            try (NDScope scope = new NDScope()) {
                scope.suppressNotUsedWarning();
                noisy = schedule.addNoise(x0, x0, new long[] {0, 999});
                assertTrue(!noisy.isReleased());
            }
            assertTrue(noisy.isReleased(), "the caller's scope closes the result");
            assertTrue(!x0.isReleased(), "inputs are left alone");
        }
    }

    @Test
    void rejectsTimestepsThatDoNotFitTheBatchOrTheSchedule() {
        try (NDManager m = NDManager.newBaseManager()) {
            NoiseSchedule schedule = NoiseSchedule.of(SchedulerConfig.defaults());
            NDArray x = m.zeros(new ai.djl.ndarray.types.Shape(2, 4));
            assertThrows(IllegalArgumentException.class, () -> schedule.addNoise(x, x, new long[] {1}));
            assertThrows(IllegalArgumentException.class, () -> schedule.getVelocity(x, x, new long[] {1, 1000}));
            assertThrows(IllegalArgumentException.class, () -> schedule.addNoise(x, x, new long[] {-1, 3}));
        }
    }

    @Test
    void betaSchedulesMatchTorchFloat32() {
        // reference values computed with torch's float32 linspace and Python's betas_for_alpha_bar
        float[] linear = BetaSchedule.LINEAR.betas(1000, 0.0001, 0.02);
        assertEquals(1e-4f, linear[0]);
        assertEquals(0.00011991992f, linear[1]);
        assertEquals(0.010059959f, linear[500]);
        assertEquals(0.02f, linear[999]);
        float[] cosine = BetaSchedule.SQUAREDCOS_CAP_V2.betas(1000, 0, 0);
        assertEquals(4.1284224e-05f, cosine[0]);
        assertEquals(0.0031556915f, cosine[500]);
        assertEquals(0.999f, cosine[999]);
        assertEquals(1, BetaSchedule.SCALED_LINEAR.betas(1, 0.00085, 0.012).length);
    }

    @Test
    void zeroTerminalSnrRescaling() {
        var json = Json.MAPPER.createObjectNode()
                .put("beta_schedule", "scaled_linear").put("beta_start", 0.00085).put("beta_end", 0.012)
                .put("rescale_betas_zero_snr", true);
        NoiseSchedule s = NoiseSchedule.of(SchedulerConfig.parse(json));
        float[] betas = s.betas();
        float[] ac = s.alphasCumprod();
        // reference values from diffusers' rescale_zero_terminal_snr, replayed in numpy float32
        assertEquals(0.00085002184f, betas[0]);
        assertEquals(0.005530834f, betas[500]);
        assertEquals(0.7511318f, betas[998]);
        assertEquals(1f, betas[999]);
        assertEquals(0.99915f, ac[0]);
        assertEquals(0.24101853f, ac[500]);
        assertEquals(1.9679628e-07f, ac[998]);
        assertEquals(0f, ac[999]);
        // the sigma samplers keep the last sigma finite
        assertEquals(0x1.0p-24f, SigmaSteps.noiseSchedule(SchedulerConfig.parse(json)).alphaCumprod(999));
    }

    @Test
    void trainedBetasReplaceTheSchedule() {
        var json = Json.MAPPER.createObjectNode().put("num_train_timesteps", 3);
        json.putArray("trained_betas").add(0.1).add(0.2).add(0.5);
        NoiseSchedule s = NoiseSchedule.of(SchedulerConfig.parse(json));
        assertArrayEquals(new float[] {0.9f, (float) (0.9f * 0.8f), (float) (0.9f * 0.8f * 0.5)}, s.alphasCumprod(),
                1e-7f);
    }
}
