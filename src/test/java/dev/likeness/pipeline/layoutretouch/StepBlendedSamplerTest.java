package dev.likeness.pipeline.layoutretouch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.likeness.methods.ConceptApplier;
import dev.likeness.methods.lora.LoraFiles;
import dev.likeness.methods.lora.LoraTargets;
import dev.likeness.methods.lora.LoraWeights;
import dev.likeness.pipeline.CancelSignal;
import dev.likeness.pipeline.GenerationRequest;
import dev.likeness.pipeline.SdModel;
import dev.likeness.pipeline.StableDiffusion;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Stage 1: the two ends of λ₁ are the two plain samplings, exactly; between them, a blend of both. */
class StepBlendedSamplerTest {
    private static final int STEPS = 10;
    private static final String PROMPT = "a photo of " + TinyConcepts.TOKEN + " on the beach";

    private static float[] plain(StableDiffusion sd, GenerationRequest req, NDManager m) {
        return sd.sample(req, "ddim", sd.conditioning(req, m), req.seed(), null, null, m,
                StableDiffusion.Progress.of((s, t, msg) -> { }), CancelSignal.none()).toFloatArray();
    }

    private static float[] layout(StableDiffusion sd, RetouchSubject concept, int layoutSteps, long seed,
            NDManager m) {
        try (StepBlendedSampler.Layout l = new StepBlendedSampler(sd).sample(TinyConcepts.request(PROMPT, seed,
                STEPS), concept, layoutSteps, seed, m, StableDiffusion.Progress.of((s, t, msg) -> { }),
                CancelSignal.none())) {
            assertTrue(l.trajectory().complete());
            return l.pixels().toFloatArray();
        }
    }

    @Test
    void theEndsOfLambdaAreThePlainSamplings() throws Exception {
        try (SdModel model = TinyConcepts.model(); NDScope scope = new NDScope();
                NDManager m = model.manager().newSubManager()) {
            StableDiffusion sd = new StableDiffusion(model);
            RetouchSubject concept = TinyConcepts.dog(model);
            float[] personal = plain(sd, TinyConcepts.request(PROMPT, 3, STEPS), m);
            float[] base = plain(sd, TinyConcepts.request("a photo of dog on the beach", 3, STEPS), m);
            assertArrayEquals(personal, layout(sd, concept, 0, 3, m), "λ₁ = 0 is plain personalized sampling");
            assertArrayEquals(base, layout(sd, concept, STEPS, 3, m), "λ₁ = all steps is plain base sampling");
            float[] mid = layout(sd, concept, 4, 3, m);
            assertTrue(meanAbs(mid, personal) > 1e-3 && meanAbs(mid, base) > 1e-3, "λ₁ = 4 is neither");
            assertThrows(IllegalArgumentException.class, () -> layout(sd, concept, STEPS + 1, 3, m));
        }
    }

    @Test
    void aLoraConceptIsOffForTheLayoutStepsAndOnForTheRest(@TempDir Path dir) throws Exception {
        try (SdModel model = TinyConcepts.model(); NDScope scope = new NDScope();
                NDManager m = model.manager().newSubManager()) {
            StableDiffusion sd = new StableDiffusion(model);
            Path lora = dir.resolve("style.safetensors");
            writeRandomLora(model, lora);
            String prompt = "a photo of <style> dog";
            GenerationRequest req = TinyConcepts.request(prompt, 5, STEPS);
            float[] base = plain(sd, TinyConcepts.request("a photo of dog dog", 5, STEPS), m);
            float[] fullWithout = plain(sd, req, m);
            ConceptApplier.apply(model, lora);
            float[] withLora = plain(sd, req, m);
            assertTrue(meanAbs(withLora, fullWithout) > 1e-3, "the LoRA changes the image");
            RetouchSubject concept = new RetouchSubject("<style>", "dog", model.conceptPatches());
            StepBlendedSampler stage1 = new StepBlendedSampler(sd);
            try (StepBlendedSampler.Layout all = stage1.sample(req, concept, STEPS, 5, m,
                    StableDiffusion.Progress.of((s, t, msg) -> { }), CancelSignal.none());
                    StepBlendedSampler.Layout none = stage1.sample(req, concept, 0, 5, m,
                    StableDiffusion.Progress.of((s, t, msg) -> { }), CancelSignal.none())) {
                assertArrayEquals(base, all.pixels().toFloatArray(), "base steps run without the LoRA");
                assertArrayEquals(withLora, none.pixels().toFloatArray(), "personal steps run with it");
            }
            assertArrayEquals(withLora, plain(sd, req, m), "the LoRA is back on after the run");
            model.conceptPatches().clear();
            assertArrayEquals(base, plain(sd, TinyConcepts.request("a photo of dog dog", 5, STEPS), m),
                    "clearing the patches gives the base model back");
        }
    }

    /** A LoRA file on every UNet attention projection with non-zero up and down weights. */
    private static void writeRandomLora(SdModel model, Path file) throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            Map<String, LoraWeights.Module> modules = new LinkedHashMap<>();
            LoraTargets.unetAttention(model.unet()).forEach((path, linear) -> {
                long out = linear.weight().getShape().get(0);
                long in = linear.weight().getShape().get(1);
                modules.put(path, new LoraWeights.Module(
                        m.randomNormal(0f, 0.3f, new Shape(2, in), DataType.FLOAT32),
                        m.randomNormal(0f, 0.3f, new Shape(out, 2), DataType.FLOAT32), 2f));
            });
            LoraFiles.writeLikeness(file, new LoraWeights(modules), Map.of());
        }
    }

    @Test
    void layoutsDifferAcrossSeeds() throws Exception {
        try (SdModel model = TinyConcepts.model(); NDScope scope = new NDScope();
                NDManager m = model.manager().newSubManager()) {
            StableDiffusion sd = new StableDiffusion(model);
            RetouchSubject concept = TinyConcepts.dog(model);
            int lambda = 3; // 15 of 50, scaled to 10 steps
            float[][] layouts = new float[4][];
            for (int s = 0; s < layouts.length; s++) {
                layouts[s] = layout(sd, concept, lambda, 100 + s, m);
            }
            double min = Double.MAX_VALUE;
            double sum = 0;
            int pairs = 0;
            for (int a = 0; a < layouts.length; a++) {
                for (int b = a + 1; b < layouts.length; b++) {
                    double d = meanAbs(layouts[a], layouts[b]) * 255;
                    min = Math.min(min, d);
                    sum += d;
                    pairs++;
                }
            }
            System.out.printf("seed sweep (4 seeds, λ₁ = %d of %d): mean |Δ| between layouts %.2f/255 on average, "
                    + "%.2f/255 at least%n", lambda, STEPS, sum / pairs, min);
            assertTrue(min > 1.0, "layouts of different seeds differ by more than 1/255 on average: " + min);
        }
    }

    static double meanAbs(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += Math.abs(a[i] - b[i]);
        }
        return s / a.length;
    }
}
