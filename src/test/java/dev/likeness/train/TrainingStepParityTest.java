package dev.likeness.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import com.fasterxml.jackson.databind.JsonNode;
import dev.likeness.engine.sched.NoiseSchedule;
import dev.likeness.engine.sched.SchedulerConfig;
import dev.likeness.engine.weights.SafetensorsFile;
import dev.likeness.pipeline.SdModel;
import dev.likeness.pipeline.SdModelLoader;
import dev.likeness.testing.Golden;
import dev.likeness.util.Json;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** One training step's loss and gradients against diffusers/torch (full UNet, and a Textual Inversion row). */
class TrainingStepParityTest {
    static DiffusionObjective objective(SdModel model) {
        return new DiffusionObjective(model.unet(), NoiseSchedule.of(SchedulerConfig.parse(model.schedulerConfig())),
                model.predictionType());
    }

    static double cosine(NDArray a, NDArray b) {
        return a.mul(b).sum().getFloat() / Math.sqrt(a.square().sum().getFloat() * b.square().sum().getFloat());
    }

    static double norm(NDArray a) {
        return Math.sqrt(a.square().sum().getFloat());
    }

    @ParameterizedTest
    @ValueSource(strings = {"sd1", "sd2"})
    void fullUnetStepMatchesLossAndEveryGradient(String family) throws Exception {
        try (SdModel model = SdModelLoader.load(Golden.model(family), null);
                SafetensorsFile g = Golden.open(family, "training.safetensors");
                NDManager m = NDManager.newBaseManager()) {
            DiffusionObjective obj = objective(model);
            NDArray latents = g.load("latents", m);
            NDArray noise = g.load("noise", m);
            long[] t = g.load("timesteps", m).toLongArray();
            NDArray context = model.textEncoder().forward(g.load("input_ids", m), false).lastHiddenState();
            Golden.assertClose(obj.noisy(latents, noise, t), g.load("noisy", m), 1e-5, "noisy");
            Golden.assertClose(obj.target(latents, noise, t), g.load("target", m), 1e-5, "target");
            Map<String, NDArray> params = model.parameters().unet();
            params.values().forEach(p -> p.setRequiresGradient(true));
            try {
                NDArray loss;
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    loss = obj.loss(latents, noise, t, context);
                    gc.backward(loss);
                }
                float expected = g.load("loss", m).getFloat(0);
                assertTrue(Math.abs(loss.getFloat() - expected) / expected <= 1e-4,
                        "loss " + loss.getFloat() + " vs " + expected);
                JsonNode norms = Json.MAPPER.readTree(g.metadata().get("grad_norms"));
                assertEquals(params.size(), norms.size(), "every parameter has a reference gradient norm");
                // Biases that feed a group norm have a true gradient of zero (the norm removes the per-group mean):
                // their reference norms (~1e-8) are rounding noise, so the bound has a floor of 1e-6 of the largest.
                double maxRef = 0;
                for (JsonNode n : norms) {
                    maxRef = Math.max(maxRef, n.asDouble());
                }
                double worst = 0;
                String worstName = "";
                int noiseOnly = 0;
                for (Map.Entry<String, NDArray> e : params.entrySet()) {
                    double ours = norm(e.getValue().getGradient());
                    double ref = norms.get(e.getKey()).asDouble();
                    double excess = Math.abs(ours - ref) / (1e-3 * ref + 1e-6 * maxRef);
                    noiseOnly += ref < 1e-6 * maxRef ? 1 : 0;
                    if (excess > worst) {
                        worst = excess;
                        worstName = e.getKey();
                    }
                }
                assertTrue(worst <= 1, "gradient norm of " + worstName + " off by " + worst + "× the bound");
                assertTrue(noiseOnly < params.size() / 10, "most gradients must be real: " + noiseOnly);
                int full = 0;
                for (String key : g.tensors().keySet()) {
                    if (key.startsWith("grad.")) {
                        NDArray ours = params.get(key.substring(5)).getGradient();
                        NDArray ref = g.load(key, m);
                        if (norm(ref) < 1e-6 * maxRef) {
                            assertTrue(norm(ours.sub(ref)) <= 1e-6 * maxRef, key + " (zero in exact arithmetic)");
                        } else {
                            assertTrue(cosine(ours, ref) >= 0.9999, key + " cosine " + cosine(ours, ref));
                            assertTrue(Math.abs(norm(ours) - norm(ref)) / norm(ref) <= 1e-3, key + " norm");
                        }
                        full++;
                    }
                }
                assertTrue(full >= 10, "full gradients compared: " + full);
                System.out.printf("%s full-UNet step: loss %.6f (ref %.6f), worst grad-norm error %.2f of the bound (%s)%n",
                        family, loss.getFloat(), expected, worst, worstName);
            } finally {
                params.values().forEach(p -> p.setRequiresGradient(false));
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sd1", "sd2"})
    void textualInversionRowGradientMatches(String family) throws Exception {
        try (SdModel model = SdModelLoader.load(Golden.model(family), null);
                SafetensorsFile g = Golden.open(family, "training.safetensors");
                NDManager m = NDManager.newBaseManager()) {
            DiffusionObjective obj = objective(model);
            NDArray ids = g.load("ti.input_ids", m);
            int initId = Integer.parseInt(g.metadata().get("init_token_id"));
            NDArray initRow = model.textEncoder().tokenEmbedding().get(initId).duplicate();
            Golden.assertClose(initRow, g.load("ti.init_row", m), 0, "init row is the initializer's embedding");
            NDArray row = initRow.expandDims(0);
            row.setRequiresGradient(true);
            NDArray loss;
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray embeds = model.textEncoder().embed(ids, row);
                NDArray context = model.textEncoder().forwardEmbeddings(embeds, ids, false).lastHiddenState();
                loss = obj.loss(g.load("latents", m), g.load("noise", m), g.load("timesteps", m).toLongArray(), context);
                gc.backward(loss);
            }
            float expected = g.load("ti.loss", m).getFloat(0);
            assertTrue(Math.abs(loss.getFloat() - expected) / expected <= 1e-4, "ti loss " + loss.getFloat() + " vs " + expected);
            NDArray grad = row.getGradient().get(0);
            NDArray ref = g.load("ti.grad_row", m);
            double cos = cosine(grad, ref);
            double normErr = Math.abs(norm(grad) - norm(ref)) / norm(ref);
            System.out.printf("%s TI step: loss %.6f (ref %.6f), grad cosine %.7f, norm rel err %.2e%n", family,
                    loss.getFloat(), expected, cos, normErr);
            assertTrue(cos >= 0.9999, "cosine " + cos);
            assertTrue(normErr <= 1e-3, "norm " + normErr);
        }
    }
}
