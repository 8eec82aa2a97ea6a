package dev.likeness.methods;

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
import dev.likeness.methods.dreambooth.PriorPreservationLoss;
import dev.likeness.pipeline.SdModel;
import dev.likeness.pipeline.SdModelLoader;
import dev.likeness.testing.Golden;
import dev.likeness.train.DiffusionObjective;
import dev.likeness.util.Json;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * DreamBooth's loss path on the reference training step (golden/training.safetensors, a batch of two): with the
 * first example as the instance and the second as the class example and λ = 1, the loss is MSE(a) + MSE(b) =
 * 2 × the reference's mean MSE, and every gradient is twice the reference's.
 */
class DreamBoothParityTest {
    static double norm(NDArray a) {
        return Math.sqrt(a.square().sum().getFloat());
    }

    @ParameterizedTest
    @ValueSource(strings = {"sd1", "sd2"})
    void fullUnetStepWithPriorPreservationMatchesTheReference(String family) throws Exception {
        try (SdModel model = SdModelLoader.load(Golden.model(family), null);
                SafetensorsFile g = Golden.open(family, "training.safetensors");
                NDManager m = NDManager.newBaseManager()) {
            DiffusionObjective obj = new DiffusionObjective(model.unet(),
                    NoiseSchedule.of(SchedulerConfig.parse(model.schedulerConfig())), model.predictionType());
            NDArray context = model.textEncoder().forward(g.load("input_ids", m), false).lastHiddenState();
            Map<String, NDArray> params = model.parameters().unet();
            params.values().forEach(p -> p.setRequiresGradient(true));
            try {
                PriorPreservationLoss.Parts loss;
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    loss = PriorPreservationLoss.loss(obj, g.load("latents", m), g.load("noise", m),
                            g.load("timesteps", m).toLongArray(), context, 1, 1f, null);
                    gc.backward(loss.total());
                }
                double expected = 2 * g.load("loss", m).getFloat(0);
                double total = loss.total().getFloat();
                assertTrue(Math.abs(total - expected) / expected <= 1e-4, "loss " + total + " vs 2 × ref " + expected);
                assertEquals(total, loss.instance().getFloat() + loss.prior().getFloat(), 1e-6 * total);

                JsonNode norms = Json.MAPPER.readTree(g.metadata().get("grad_norms"));
                double maxRef = 0;
                for (JsonNode n : norms) {
                    maxRef = Math.max(maxRef, 2 * n.asDouble());
                }
                double worst = 0;
                String worstName = "";
                for (Map.Entry<String, NDArray> e : params.entrySet()) {
                    double ours = norm(e.getValue().getGradient());
                    double ref = 2 * norms.get(e.getKey()).asDouble();
                    // same bound as TrainingStepParityTest: 1e-3 relative, with a floor for the zero-in-exact-math
                    // gradients of biases feeding a group norm
                    double excess = Math.abs(ours - ref) / (1e-3 * ref + 1e-6 * maxRef);
                    if (excess > worst) {
                        worst = excess;
                        worstName = e.getKey();
                    }
                }
                assertTrue(worst <= 1, "gradient norm of " + worstName + " off by " + worst + "× the bound");
                int full = 0;
                for (String key : g.tensors().keySet()) {
                    if (key.startsWith("grad.")) {
                        NDArray ours = params.get(key.substring(5)).getGradient();
                        NDArray ref = g.load(key, m).mul(2f);
                        if (norm(ref) >= 1e-6 * maxRef) {
                            double cos = ours.mul(ref).sum().getFloat() / (norm(ours) * norm(ref));
                            assertTrue(cos >= 0.9999, key + " cosine " + cos);
                            assertTrue(Math.abs(norm(ours) - norm(ref)) / norm(ref) <= 1e-3, key + " norm");
                        }
                        full++;
                    }
                }
                assertTrue(full >= 10, "full gradients compared: " + full);
                System.out.printf("%s DreamBooth step (prior preservation, λ=1): loss %.6f (2 × ref %.6f), "
                        + "worst grad-norm error %.2f of the bound%n", family, total, expected, worst);
            } finally {
                params.values().forEach(p -> p.setRequiresGradient(false));
            }
        }
    }
}
