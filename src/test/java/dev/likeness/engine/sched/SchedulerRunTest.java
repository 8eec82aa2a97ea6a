package dev.likeness.engine.sched;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import dev.likeness.engine.rng.TorchGenerator;
import dev.likeness.testing.Golden;
import java.io.IOException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The img2img start, the order of steps, and who owns the arrays a scheduler returns. */
class SchedulerRunTest {
    private static final int BEGIN = 4;

    @ParameterizedTest
    @ValueSource(strings = {"euler", "euler_a"})
    void img2imgStartOfSigmaSamplersIsX0PlusSigmaTimesNoise(String sampler) throws IOException {
        try (SchedulerGolden g = SchedulerGolden.open("sd1"); NDManager m = NDManager.newBaseManager()) {
            String key = sampler + ".10";
            Scheduler s = Schedulers.create(sampler, g.config(key), 10);
            s.setBeginIndex(BEGIN);
            NDArray x0 = g.file.load("train.x0", m);
            NDArray noise = g.file.load("train.noise", m);
            float sigma = g.file.load(key + ".sigmas", m).getFloat(BEGIN);
            Golden.assertClose(s.addNoise(x0, noise, BEGIN), x0.add(noise.mul(sigma)), 1e-6, key + " add_noise");
            s.step(noise, BEGIN, x0, new TorchGenerator(1));
        }
    }

    @Test
    void img2imgStartOfDpmSolverUsesAlphaAndSigmaOfTheStep() throws IOException {
        try (SchedulerGolden g = SchedulerGolden.open("sd2"); NDManager m = NDManager.newBaseManager()) {
            Scheduler s = Schedulers.create("dpmpp_2m", g.config("dpmpp_2m.10"), 10);
            s.setBeginIndex(BEGIN);
            NDArray x0 = g.file.load("train.x0", m);
            NDArray noise = g.file.load("train.noise", m);
            double sigma = g.file.load("dpmpp_2m.10.sigmas", m).getFloat(BEGIN);
            double alpha = 1 / Math.sqrt(sigma * sigma + 1);
            Golden.assertClose(s.addNoise(x0, noise, BEGIN), x0.mul(alpha).add(noise.mul(sigma * alpha)), 1e-6,
                    "dpmpp_2m add_noise");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"ddim", "pndm", "ddpm"})
    void img2imgStartOfAlphaSamplersIsTheForwardProcess(String sampler) throws IOException {
        try (SchedulerGolden g = SchedulerGolden.open("sd1"); NDManager m = NDManager.newBaseManager()) {
            String key = sampler + ".10";
            Scheduler s = Schedulers.create(sampler, g.config(key), 10);
            s.setBeginIndex(BEGIN);
            long t = s.timesteps()[BEGIN];
            assertEquals(g.timesteps(key)[BEGIN], t);
            NDArray x0 = g.file.load("train.x0", m);
            NDArray noise = g.file.load("train.noise", m);
            double alphaBar = g.file.load("train.alphas_cumprod", m).getFloat(t);
            NDArray expected = x0.mul(Math.sqrt(alphaBar)).add(noise.mul(Math.sqrt(1 - alphaBar)));
            Golden.assertClose(s.addNoise(x0, noise, BEGIN), expected, 1e-6, key + " add_noise");
        }
    }

    @Test
    void dpmSolverStartsAnImg2imgRunWithAFirstOrderStep() throws IOException {
        try (SchedulerGolden g = SchedulerGolden.open("sd1"); NDManager m = NDManager.newBaseManager()) {
            String key = "dpmpp_2m.10";
            Scheduler fresh = Schedulers.create("dpmpp_2m", g.config(key), 10);
            Scheduler resumed = Schedulers.create("dpmpp_2m", g.config(key), 10);
            resumed.setBeginIndex(BEGIN);
            NDArray x = g.file.load(key + "." + BEGIN + ".sample", m);
            NDArray eps = g.file.load(key + "." + BEGIN + ".model_output", m);
            NDArray first = resumed.step(eps, BEGIN, x, null);

            // DPM-Solver++ first order (epsilon model), with α = 1/√(σ²+1) and s = σ·α for the recorded σ:
            // x0 = (x − s_s·ε)/α_s, x_t = (s_t/s_s)·x − α_t(e^−h − 1)·x0, h = λ_t − λ_s, λ = log(α/s)
            NDArray sigmas = g.file.load(key + ".sigmas", m);
            double vs = sigmas.getFloat(BEGIN);
            double vt = sigmas.getFloat(BEGIN + 1);
            double alphaS = 1 / Math.sqrt(vs * vs + 1);
            double alphaT = 1 / Math.sqrt(vt * vt + 1);
            double h = Math.log(alphaT / (vt * alphaT)) - Math.log(alphaS / (vs * alphaS));
            NDArray x0 = x.sub(eps.mul(vs * alphaS)).div(alphaS);
            NDArray expected = x.mul(vt * alphaT / (vs * alphaS)).sub(x0.mul(alphaT * (Math.exp(-h) - 1)));
            Golden.assertClose(first, expected, 1e-5, "first-order img2img step");
            // the recorded txt2img run took a second-order step there
            assertTrue(Golden.maxAbsDiff(first, g.file.load(key + "." + (BEGIN + 1) + ".sample", m)) > 1e-3);

            NDArray second = resumed.step(g.file.load(key + "." + (BEGIN + 1) + ".model_output", m), BEGIN + 1,
                    first, null);
            assertFalse(second.isReleased());
            assertThrows(IllegalStateException.class, () -> fresh.step(eps, BEGIN, x, null));
        }
    }

    @Test
    void stepsMustBeTakenInOrder() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.ones(new ai.djl.ndarray.types.Shape(1, 4, 2, 2));
            for (String name : Schedulers.NAMES) {
                Scheduler s = Schedulers.create(name, SchedulerConfig.defaults(), 10);
                TorchGenerator gen = new TorchGenerator(0);
                int n = s.timesteps().length;
                assertThrows(IllegalStateException.class, () -> s.step(x, 1, x, gen), name);
                assertThrows(IndexOutOfBoundsException.class, () -> s.setBeginIndex(n), name);
                assertThrows(IndexOutOfBoundsException.class, () -> s.scaleModelInput(x, -1), name);
                s.step(x, 0, x, gen);
                assertThrows(IllegalStateException.class, () -> s.step(x, 0, x, gen), name);
                assertThrows(IllegalStateException.class, () -> s.setBeginIndex(3), name);
            }
        }
    }

    @Test
    void stochasticSamplersNeedAGenerator() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.ones(new ai.djl.ndarray.types.Shape(1, 4, 2, 2));
            for (String name : new String[] {"euler_a", "ddpm"}) {
                Scheduler s = Schedulers.create(name, SchedulerConfig.defaults(), 10);
                assertThrows(IllegalArgumentException.class, () -> s.step(x, 0, x, null), name);
            }
        }
    }

    @Test
    void resultsBelongToTheCallersScopeAndInputsAreLeftAlone() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.ones(new ai.djl.ndarray.types.Shape(1, 4, 2, 2));
            for (String name : Schedulers.NAMES) {
                Scheduler s = Schedulers.create(name, SchedulerConfig.defaults(), 10);
                NDArray out;
                NDArray scaled;
                try (NDScope scope = new NDScope()) {
                    scope.suppressNotUsedWarning();
                    scaled = s.scaleModelInput(x, 0);
                    out = s.step(x, 0, x, new TorchGenerator(0));
                    assertFalse(out.isReleased());
                }
                assertTrue(out.isReleased(), name + ": the caller's scope closes the result");
                assertFalse(x.isReleased(), name + ": inputs stay open");
                if (s.initNoiseSigma() == 1f) {
                    assertSame(x, scaled, name + ": no scaling returns the sample itself");
                } else {
                    assertTrue(scaled.isReleased(), name + ": a scaled copy belongs to the caller's scope");
                }
            }
        }
    }
}
