package dev.likeness.engine.sched;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.likeness.util.Json;
import org.junit.jupiter.api.Test;

/** Timestep lists for spacings and step counts the golden runs do not cover; expectations come from numpy. */
class SchedulerSpacingTest {

    private static SchedulerConfig config(String spacing) {
        ObjectNode o = Json.MAPPER.createObjectNode()
                .put("beta_schedule", "scaled_linear").put("beta_start", 0.00085).put("beta_end", 0.012)
                .put("steps_offset", 1).put("timestep_spacing", spacing);
        return SchedulerConfig.parse(o);
    }

    private static long[] timesteps(String sampler, String spacing, int steps) {
        return Schedulers.create(sampler, config(spacing), steps).timesteps();
    }

    @Test
    void ddimAndDdpmSpacings() {
        assertArrayEquals(new long[] {999, 832, 666, 500, 333, 166, 0}, timesteps("ddim", "linspace", 7));
        assertArrayEquals(new long[] {853, 711, 569, 427, 285, 143, 1}, timesteps("ddim", "leading", 7));
        assertArrayEquals(new long[] {999, 856, 713, 570, 428, 285, 142}, timesteps("ddim", "trailing", 7));
        assertArrayEquals(new long[] {999, 666, 332}, timesteps("ddpm", "trailing", 3));
        assertArrayEquals(new long[] {667, 334, 1}, timesteps("ddpm", "leading", 3));
        long[] trailing30 = timesteps("ddim", "trailing", 30);
        assertEquals(30, trailing30.length);
        assertEquals(966, trailing30[1]);
        assertEquals(32, trailing30[29]);
    }

    @Test
    void eulerKeepsFractionalLinspaceTimesteps() {
        Scheduler s = Schedulers.create("euler", config("linspace"), 7);
        assertArrayEquals(new float[] {999f, 832.5f, 666f, 499.5f, 333f, 166.5f, 0f}, s.modelTimesteps());
        assertArrayEquals(new long[] {999, 832, 666, 499, 333, 166, 0}, s.timesteps());
        float[] t30 = Schedulers.create("euler_a", config("linspace"), 30).modelTimesteps();
        assertEquals(964.5516967773438f, t30[1]);
        assertEquals(34.44827651977539f, t30[28]);
        assertArrayEquals(new float[] {853, 711, 569, 427, 285, 143, 1},
                Schedulers.create("euler", config("leading"), 7).modelTimesteps());
        assertArrayEquals(new long[] {999, 856, 713, 570, 428, 285, 142}, timesteps("euler", "trailing", 7));
    }

    @Test
    void eulerInitialNoiseScaleDependsOnSpacing() {
        // the run's largest σ for linspace and trailing, √(σ²+1) of it for leading (σ_901 = 8.390687 here)
        assertEquals(14.614647f, Schedulers.create("euler", config("linspace"), 10).initNoiseSigma());
        assertEquals(14.614647f, Schedulers.create("euler_a", config("trailing"), 10).initNoiseSigma());
        assertEquals(8.450067f, Schedulers.create("euler", config("leading"), 10).initNoiseSigma());
        assertEquals(1f, Schedulers.create("dpmpp_2m", config("leading"), 10).initNoiseSigma());
    }

    @Test
    void dpmSolverSpacingsDropTheFinalPoint() {
        assertArrayEquals(new long[] {999, 856, 714, 571, 428, 285, 143}, timesteps("dpmpp_2m", "linspace", 7));
        assertArrayEquals(new long[] {876, 751, 626, 501, 376, 251, 126}, timesteps("dpmpp_2m", "leading", 7));
        assertArrayEquals(new long[] {999, 856, 713, 570, 428, 285, 142}, timesteps("dpmpp_2m", "trailing", 7));
        long[] linspace30 = timesteps("dpmpp_2m", "linspace", 30);
        assertEquals(733, linspace30[8]);
        assertEquals(33, linspace30[29]);
    }

    @Test
    void pndmRepeatsTheSecondTimestepOrRunsTheRungeKuttaWarmUp() {
        SchedulerConfig plms = SchedulerConfig.parse(Json.MAPPER.createObjectNode()
                .put("steps_offset", 1).put("skip_prk_steps", true));
        assertArrayEquals(new long[] {751, 501, 501, 251, 1}, Schedulers.create("pndm", plms, 4).timesteps());
        assertArrayEquals(new long[] {1}, Schedulers.create("pndm", plms, 1).timesteps());
        SchedulerConfig prk = SchedulerConfig.parse(Json.MAPPER.createObjectNode().put("steps_offset", 1));
        assertArrayEquals(new long[] {751, 626, 626, 501, 501, 376, 376, 251, 251, 126, 126, 1, 1},
                Schedulers.create("pndm", prk, 4).timesteps());
    }
}
