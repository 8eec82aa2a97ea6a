package dev.likeness.engine.sched;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import dev.likeness.engine.rng.TorchGenerator;
import dev.likeness.testing.Golden;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every sampler, step count and model family against diffusers' recorded trajectories: the recorded model outputs
 * are fed in order, each step in its own NDScope as the denoising loop does, and every sample along the way must
 * match. The run is free: each step starts from this engine's previous result, not the recorded one.
 */
class SchedulerGoldenTest {
    private static final double TOL = 1e-4;

    enum Source { INDEX_CONFIG, MODEL_CONFIG }

    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        for (Source source : Source.values()) {
            for (String family : new String[] {"sd1", "sd2"}) {
                for (String sampler : Schedulers.NAMES) {
                    for (int steps : new int[] {10, 25}) {
                        out.add(Arguments.of(source, family, sampler, steps));
                    }
                }
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} {1} {2} {3}")
    @MethodSource("cases")
    void reproducesTrajectory(Source source, String family, String sampler, int steps) throws IOException {
        String key = sampler + "." + steps;
        try (SchedulerGolden g = SchedulerGolden.open(family); NDManager m = NDManager.newBaseManager()) {
            SchedulerConfig config = source == Source.INDEX_CONFIG ? g.config(key) : g.modelConfig();
            Scheduler s = Schedulers.create(sampler, config, steps);
            long[] timesteps = g.timesteps(key);
            assertArrayEquals(timesteps, s.timesteps(), "timesteps");
            assertEquals(g.initNoiseSigma(key), s.initNoiseSigma(), "init_noise_sigma");

            TorchGenerator gen = new TorchGenerator(1234);
            NDArray x = g.file.load(key + ".0.sample", m);
            float worstScaled = 0;
            float worstSample = 0;
            for (int i = 0; i < timesteps.length; i++) {
                String expected = i + 1 < timesteps.length ? key + "." + (i + 1) + ".sample" : key + ".final";
                NDArray next;
                float err;
                try (NDScope scope = new NDScope()) {
                    scope.suppressNotUsedWarning();
                    NDArray scaled = s.scaleModelInput(x, i);
                    worstScaled = Math.max(worstScaled,
                            Golden.maxAbsDiff(scaled, g.file.load(key + "." + i + ".scaled", m)));
                    next = s.step(g.file.load(key + "." + i + ".model_output", m), i, x, gen);
                    err = Golden.maxAbsDiff(next, g.file.load(expected, m));
                    NDScope.unregister(next);
                }
                assertTrue(err <= TOL, key + " step " + i + ": max abs error " + err);
                worstSample = Math.max(worstSample, err);
                x.close();
                x = next;
            }
            assertEquals(1, m.getManagedArrays().size(), "arrays left after the run besides the final sample");
            assertTrue(worstScaled <= TOL, key + " scaled: max abs error " + worstScaled);
            System.out.printf("golden %s %s %s: samples %.3g, scaled %.3g%n", source, family, key, worstSample,
                    worstScaled);
        }
    }
}
