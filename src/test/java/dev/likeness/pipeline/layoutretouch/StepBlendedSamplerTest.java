package dev.likeness.pipeline.layoutretouch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import dev.likeness.engine.nn.Linear;
import dev.likeness.engine.nn.LinearAdapter;
import dev.likeness.pipeline.AdapterPersonalization;
import dev.likeness.pipeline.CancelSignal;
import dev.likeness.pipeline.GenerationRequest;
import dev.likeness.pipeline.SdModel;
import dev.likeness.pipeline.StableDiffusion;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Stage 1: the two ends of λ₁ are the two plain samplings, exactly; between them, a blend of both. */
class StepBlendedSamplerTest {
    private static final int STEPS = 10;
    private static final String PROMPT = "a photo of " + TinyConcepts.TOKEN + " on the beach";

    private static float[] plain(StableDiffusion sd, GenerationRequest req, NDManager m) {
        return sd.sample(req, "ddim", sd.conditioning(req, m), req.seed(), null, null, m,
                StableDiffusion.Progress.of((s, t, msg) -> { }), CancelSignal.none()).toFloatArray();
    }

    private static float[] layout(StableDiffusion sd, PersonalConcept concept, int layoutSteps, long seed,
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
            PersonalConcept concept = TinyConcepts.dog(model);
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
    void adapterPersonalizationIsOffForTheLayoutSteps() throws Exception {
        try (SdModel model = TinyConcepts.model(); NDScope scope = new NDScope();
                NDManager m = model.manager().newSubManager()) {
            StableDiffusion sd = new StableDiffusion(model);
            Linear layer = model.unet().attentionLayers().values().iterator().next().toV();
            LinearAdapter boost = (x, y) -> y.mul(1.5f);
            layer.addAdapter(boost);
            PersonalConcept concept = new PersonalConcept("<lora>", "dog",
                    new AdapterPersonalization(Map.of(layer, List.of(boost))));
            String prompt = "a photo of <lora> dog";
            float[] withAdapter = plain(sd, TinyConcepts.request(prompt, 5, STEPS), m);
            layer.removeAdapter(boost);
            float[] without = plain(sd, TinyConcepts.request("a photo of dog dog", 5, STEPS), m);
            layer.addAdapter(boost);
            StepBlendedSampler stage1 = new StepBlendedSampler(sd);
            GenerationRequest req = TinyConcepts.request(prompt, 5, STEPS);
            try (StepBlendedSampler.Layout all = stage1.sample(req, concept, STEPS, 5, m,
                    StableDiffusion.Progress.of((s, t, msg) -> { }), CancelSignal.none());
                    StepBlendedSampler.Layout none = stage1.sample(req, concept, 0, 5, m,
                    StableDiffusion.Progress.of((s, t, msg) -> { }), CancelSignal.none())) {
                assertArrayEquals(without, all.pixels().toFloatArray(), "base steps run without the adapter");
                assertArrayEquals(withAdapter, none.pixels().toFloatArray(), "personal steps run with it");
            }
            assertEquals(List.of(boost), layer.adapters(), "the adapter is back on after the run");
        }
    }

    @Test
    void layoutsDifferAcrossSeeds() throws Exception {
        try (SdModel model = TinyConcepts.model(); NDScope scope = new NDScope();
                NDManager m = model.manager().newSubManager()) {
            StableDiffusion sd = new StableDiffusion(model);
            PersonalConcept concept = TinyConcepts.dog(model);
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
