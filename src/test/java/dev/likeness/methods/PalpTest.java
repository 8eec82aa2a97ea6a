package dev.likeness.methods;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.GradientCollector;
import dev.likeness.methods.ConceptApplier;
import dev.likeness.concepts.ConceptManifest;
import dev.likeness.engine.rng.TorchGenerator;
import dev.likeness.methods.palp.Palp;
import dev.likeness.methods.palp.PalpConfig;
import dev.likeness.pipeline.CancelSignal;
import dev.likeness.pipeline.ProgressListener;
import dev.likeness.pipeline.SdModel;
import dev.likeness.pipeline.SdModelLoader;
import dev.likeness.testing.Golden;
import dev.likeness.testing.TestImages;
import dev.likeness.train.GradMode;
import dev.likeness.train.LrSchedule;
import dev.likeness.train.ReferenceImage;
import dev.likeness.train.TrainingLoop;
import dev.likeness.train.TrainingOptions;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PalpTest {
    static List<ReferenceImage> images() {
        return List.of(ReferenceImage.of(TestImages.subject(64, 0), 64), ReferenceImage.of(TestImages.subject(64, 1), 64));
    }

    static PalpConfig config(String token, double weight) {
        return new PalpConfig(token, "dog", "a sketch of " + token + " in paris", 4, 15f, 7.5f, weight, true);
    }

    static TrainingOptions options(int steps) {
        return new TrainingOptions(steps, 1, 1, LrSchedule.constant(5e-3, steps), 0, 0, 0, 11);
    }

    @Test
    void teacherPassIsTheBaseModelExactly() throws Exception {
        try (SdModel model = SdModelLoader.load(Golden.model("sd1"), null); NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.randomNormal(new ai.djl.ndarray.types.Shape(1, 4, 16, 16));
            NDArray ctx = model.textEncoder().forward(m.create(model.tokenizer().encode("a dog"),
                    new ai.djl.ndarray.types.Shape(1, 77)), false).lastHiddenState();
            NDArray t = m.create(new float[] {500});
            byte[] base = model.unet().forward(x, t, ctx).toByteArray();
            try (Palp palp = new Palp(model, config("<p-a>", 1), images(), 3)) {
                GradMode.off(() -> palp.trainables().forEach((k, v) -> {
                    if (k.endsWith("lora_B.weight")) {
                        v.addi(0.1f); // a trained-looking LoRA, so "off" is meaningful
                    }
                }));
                byte[] on = model.unet().forward(x, t, ctx).toByteArray();
                palp.lora().setMultiplier(0f);
                byte[] off = model.unet().forward(x, t, ctx).toByteArray();
                palp.lora().setMultiplier(1f);
                assertTrue(!java.util.Arrays.equals(base, on), "LoRA on changes the output");
                assertArrayEquals(base, off, "LoRA scale 0 is bit-identical to the base model");
            }
        }
    }

    /**
     * The term's gradient equals Σ r·∂x̂₀/∂θ with r held constant (§4.3): autograd against a central difference of
     * f(θ) = Σ r·x̂₀(θ) along a random direction, once over all LoRA tensors and once over the token embedding.
     * (A direction sums many coordinates, so the float32 rounding of x̂₀ stays far below the 1e-3 bound.)
     */
    @Test
    void promptAlignedGradientMatchesFiniteDifferences() throws Exception {
        try (SdModel model = SdModelLoader.load(Golden.model("sd1"), null);
                Palp palp = new Palp(model, config("<p-b>", 1), images(), 5);
                NDManager m = NDManager.newBaseManager()) {
            Map<String, NDArray> params = palp.trainables();
            Engine.getInstance().setRandomSeed(4);
            GradMode.off(() -> params.forEach((k, v) -> {
                if (k.endsWith("lora_B.weight")) {
                    v.addi(m.randomNormal(v.getShape()).mul(0.05f));
                }
            }));
            Map<String, NDArray> grads = new java.util.LinkedHashMap<>();
            NDArray direction;
            try (NDScope scope = new NDScope()) {
                params.values().forEach(p -> p.setRequiresGradient(true));
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    Palp.Parts parts = palp.parts(new TorchGenerator(9), 1);
                    direction = parts.direction().duplicate();
                    gc.backward(parts.cleanEstimate().mul(parts.direction()).sum());
                }
                params.forEach((k, p) -> grads.put(k, p.getGradient().duplicate()));
                params.values().forEach(p -> p.setRequiresGradient(false));
                NDScope.unregister(direction);
                grads.values().forEach(NDScope::unregister);
            }
            Map<String, Double> worst = new java.util.LinkedHashMap<>();
            for (String group : new String[] {"lora", "embedding"}) {
                Map<String, NDArray> members = new java.util.LinkedHashMap<>();
                params.forEach((k, v) -> {
                    if (group.equals("lora") == k.contains("lora_")) {
                        members.put(k, v);
                    }
                });
                Map<String, NDArray> dir = new java.util.LinkedHashMap<>();
                double analytic = 0;
                for (Map.Entry<String, NDArray> e : members.entrySet()) {
                    NDArray d = m.randomNormal(e.getValue().getShape());
                    dir.put(e.getKey(), d);
                    analytic += grads.get(e.getKey()).mul(d).sum().getFloat();
                }
                // Richardson extrapolation of two central differences cancels the O(h²) curvature term
                double h = group.equals("lora") ? 1.6e-2 : 2e-3;
                double wide = (shifted(palp, members, dir, h, direction) - shifted(palp, members, dir, -h, direction))
                        / (2 * h);
                double narrow = (shifted(palp, members, dir, h / 2, direction)
                        - shifted(palp, members, dir, -h / 2, direction)) / h;
                double fd = (4 * narrow - wide) / 3;
                // Richardson's own error estimate: what the two float32 differences disagree by beyond O(h^2)
                double fdError = Math.abs(narrow - wide) / 3 / Math.abs(analytic);
                double rel = Math.abs(fd - analytic) / Math.abs(analytic);
                System.out.printf("PALP gradient along a random %s direction: autograd %.6f, central difference "
                        + "%.6f, relative error %.2e (difference's own error %.2e)%n", group, analytic, fd, rel,
                        fdError);
                worst.put(group, rel - Math.min(fdError, 1e-3));
            }
            worst.forEach((group, rel) -> assertTrue(rel <= 1e-3, group + ": relative error " + rel));
        }
    }

    /**
     * λ weighs two terms of the same reduction: the gradient of the prompt-aligned term (λ = 1) is of the order of
     * L_P's, not the number of latent elements times it. Both runs draw the same batch (same seed, same initial
     * LoRA); λ = 0 gives ∇L_P, λ = 1 gives ∇L_P + ∇term. A sum-reduced term (927afa0) gives a ratio of ~1,000 here
     * (16×16×4 latent elements at 64 px) and ~16,000 at 512 px.
     */
    @Test
    void promptAlignedTermAndPersonalizationLossHaveComparableGradients() throws Exception {
        Map<String, float[]> withTerm = stepGradients(1.0);
        Map<String, float[]> plain = stepGradients(0.0);
        double lp = 0;
        double term = 0;
        for (String k : plain.keySet()) {
            float[] a = plain.get(k);
            float[] b = withTerm.get(k);
            for (int i = 0; i < a.length; i++) {
                lp += (double) a[i] * a[i];
                term += (double) (b[i] - a[i]) * (b[i] - a[i]);
            }
        }
        double ratio = Math.sqrt(term) / Math.sqrt(lp);
        System.out.printf("PALP gradient norms on sd1-tiny (64 px, 1,024 latent elements): |grad L_P| %.4e, "
                + "|grad term| (lambda 1) %.4e, ratio %.3f%n", Math.sqrt(lp), Math.sqrt(term), ratio);
        assertTrue(ratio > 0.02 && ratio < 20, "the term's gradient is " + ratio + "x L_P's; both are per-element means");
    }

    private static Map<String, float[]> stepGradients(double weight) throws Exception {
        try (SdModel model = SdModelLoader.load(Golden.model("sd1"), null);
                Palp palp = new Palp(model, config("<p-g>", weight), images(), 5);
                NDManager m = NDManager.newBaseManager()) {
            Map<String, NDArray> params = palp.trainables();
            Engine.getInstance().setRandomSeed(4);
            GradMode.off(() -> params.forEach((k, v) -> {
                if (k.endsWith("lora_B.weight")) {
                    v.addi(m.randomNormal(v.getShape()).mul(0.05f));
                }
            }));
            Map<String, float[]> grads = new java.util.LinkedHashMap<>();
            try (NDScope scope = new NDScope()) {
                params.values().forEach(p -> p.setRequiresGradient(true));
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    gc.backward(palp.loss(new TorchGenerator(9), 2));
                }
                params.forEach((k, p) -> grads.put(k, p.getGradient().toFloatArray()));
                params.values().forEach(p -> p.setRequiresGradient(false));
            }
            return grads;
        }
    }

    /** PALP's L_P weights by a cut-out's alpha like TI and Perfusion; opaque pixels give the plain loss. */
    @Test
    void alphaIsTheSubjectMaskOfThePersonalizationLoss() throws Exception {
        java.awt.image.BufferedImage cutOut = TestImages.subject(64, 0);
        double masked = personalizationLoss(cutOut, "<pa-a>");
        double plain = personalizationLoss(TestImages.onBlack(cutOut), "<pa-b>");
        double allOnes = personalizationLoss(TestImages.opaqueWithAlpha(cutOut), "<pa-c>");
        System.out.printf("PALP L_P, same pixels: opaque %.6f, alpha 255 everywhere %.6f, cut-out %.6f%n", plain,
                allOnes, masked);
        assertEquals(plain, allOnes, 1e-6 * plain, "an all-ones mask is the plain loss");
        assertTrue(Math.abs(masked - plain) > 1e-3 * plain, "the cut-out's alpha weights L_P");
    }

    private static double personalizationLoss(java.awt.image.BufferedImage image, String token) throws Exception {
        try (SdModel model = SdModelLoader.load(Golden.model("sd1"), null);
                dev.likeness.methods.palp.TiLora branch = new dev.likeness.methods.palp.TiLora(model,
                        config(token, 1), List.of(List.of(ReferenceImage.of(image, 64))), 3)) {
            return branch.evalLoss(99, 4);
        }
    }

    /** Σ r·x̂₀ (accumulated in float64) with {@code members} moved by h·dir, then restored exactly. */
    private static double shifted(Palp palp, Map<String, NDArray> members, Map<String, NDArray> dir, double h,
            NDArray direction) {
        return GradMode.off(() -> {
            Map<String, byte[]> saved = new java.util.LinkedHashMap<>();
            members.forEach((k, v) -> {
                saved.put(k, v.toByteArray());
                v.addi(dir.get(k).mul((float) h));
            });
            try (NDScope scope = new NDScope()) {
                Palp.Parts parts = palp.parts(new TorchGenerator(9), 1);
                return parts.cleanEstimate().toType(DataType.FLOAT64, false)
                        .mul(direction.toType(DataType.FLOAT64, false)).sum().getDouble();
            } finally {
                members.forEach((k, v) -> v.set(java.nio.ByteBuffer.wrap(saved.get(k))));
            }
        });
    }

    @Test
    void weightZeroEqualsPlainTiPlusLoraAndWeightOneLowersTheObjective() throws Exception {
        List<Float> plain;
        try (SdModel model = SdModelLoader.load(Golden.model("sd1"), null);
                Palp ti = new Palp(model, config("<p-c>", 0), images(), 3)) {
            plain = new TrainingLoop(ti, options(12)).run(null, false, "x", ProgressListener.NONE, CancelSignal.none())
                    .losses();
        }
        try (SdModel model = SdModelLoader.load(Golden.model("sd1"), null);
                dev.likeness.methods.palp.TiLora tiLora = new dev.likeness.methods.palp.TiLora(model, config("<p-c>", 0),
                        List.of(images()), 3)) {
            List<Float> reference = new TrainingLoop(tiLora, options(12)).run(null, false, "x", ProgressListener.NONE,
                    CancelSignal.none()).losses();
            assertEquals(reference, plain, "PALP with weight 0 is plain TI + DreamBooth-LoRA");
        }
        try (SdModel model = SdModelLoader.load(Golden.model("sd1"), null);
                Palp palp = new Palp(model, config("<p-d>", 1), images(), 3)) {
            double before = palp.evalLoss(77, 4);
            long t0 = System.nanoTime();
            new TrainingLoop(palp, options(100)).run(null, false, "x", ProgressListener.NONE, CancelSignal.none());
            double ms = (System.nanoTime() - t0) / 1e6 / 100;
            double after = palp.evalLoss(77, 4);
            System.out.printf("PALP 100 steps on sd1-tiny: combined objective %.5f -> %.5f (%.1f ms/step)%n", before,
                    after, ms);
            assertTrue(after < before, "combined objective did not drop: " + before + " -> " + after);
        }
    }
    @Test
    void twoSubjectsTrainBothTokensAndTheConceptCarriesBoth(@TempDir Path dir) throws Exception {
        PalpConfig.Subject art = new PalpConfig.Subject("<p-art>", "painting", "an oil painting of {}");
        PalpConfig config = new PalpConfig("<p-pet>", "dog", "an oil painting of <p-pet> inspired by <p-art>", 4, 15f,
                7.5f, 1, true, List.of(art));
        assertEquals("an oil painting of dog inspired by painting", config.cleanPrompt());
        assertThrows(IllegalArgumentException.class, () -> new PalpConfig("<p-pet>", "dog", "a photo of <p-pet>", 4,
                15f, 7.5f, 1, true, List.of(art)), "the target prompt must name the second subject");
        assertThrows(IllegalArgumentException.class, () -> new PalpConfig("<p-pet>", "dog", "<p-pet> and <p-pet>", 4,
                15f, 7.5f, 1, true, List.of(new PalpConfig.Subject("<p-pet>", "cat", null))));
        List<ReferenceImage> paintings = List.of(ReferenceImage.of(TestImages.subject(64, 5), 64));
        Path concept = dir.resolve("pet-art");
        try (SdModel model = SdModelLoader.load(Golden.model("sd1"), null);
                Palp palp = new Palp(model, config, 3, List.of(images(), paintings))) {
            float[] before = palp.trainables().get("embedding").toFloatArray();
            double lossBefore = palp.evalLoss(77, 4);
            new TrainingLoop(palp, new TrainingOptions(60, 2, 1, LrSchedule.constant(5e-3, 60), 0, 0, 0, 11))
                    .run(null, false, "x", ProgressListener.NONE, CancelSignal.none());
            double lossAfter = palp.evalLoss(77, 4);
            float[] after = palp.trainables().get("embedding").toFloatArray();
            int width = before.length / 2;
            assertTrue(maxAbsDiff(before, after, 0, width) > 1e-4, "the first token's vector trained");
            assertTrue(maxAbsDiff(before, after, width, 2 * width) > 1e-4, "the second token's vector trained");
            System.out.printf("PALP two subjects, 60 steps: combined objective %.5f -> %.5f%n", lossBefore, lossAfter);
            assertTrue(lossAfter < lossBefore, "combined objective did not drop: " + lossBefore + " -> " + lossAfter);
            palp.saveConcept(concept, "pet-art");
        }
        try (SdModel model = SdModelLoader.load(Golden.model("sd1"), null)) {
            ConceptManifest manifest = ConceptApplier.apply(model, concept);
            assertEquals("<p-pet>", manifest.token());
            assertEquals(2, manifest.details().path("subjects").size());
            assertTrue(model.tokenizer().tokenId("<p-pet>").isPresent() || model.conceptTokens().has("<p-pet>"));
            assertTrue(model.tokenizer().tokenId("<p-art>").isPresent() || model.conceptTokens().has("<p-art>"));
        }
    }

    private static double maxAbsDiff(float[] a, float[] b, int from, int to) {
        double d = 0;
        for (int i = from; i < to; i++) {
            d = Math.max(d, Math.abs(a[i] - b[i]));
        }
        return d;
    }
}
