package dev.likeness.methods.perfusion;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.likeness.methods.ConceptApplier;
import dev.likeness.concepts.ConceptRef;
import dev.likeness.pipeline.CancelSignal;
import dev.likeness.pipeline.GenerationRequest;
import dev.likeness.pipeline.ProgressListener;
import dev.likeness.pipeline.SdModel;
import dev.likeness.pipeline.SdModelLoader;
import dev.likeness.pipeline.StableDiffusion;
import dev.likeness.pipeline.layoutretouch.RetouchSubject;
import dev.likeness.pipeline.layoutretouch.StepBlendedSampler;
import dev.likeness.testing.Golden;
import dev.likeness.train.TrainingLoop;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Perfusion concepts in generation: inert without their token, composable, each alone as when applied alone. */
class PerfusionGenerationTest {
    @TempDir
    static Path dir;

    static Path conceptA;
    static Path conceptB;

    @BeforeAll
    static void trainTwoConcepts() throws Exception {
        SharedCache.use();
        conceptA = dir.resolve("teddy");
        conceptB = dir.resolve("mug");
        try (SdModel model = SdModelLoader.load(Golden.model("sd1"), null)) {
            train(model, "<teddy>", "dog", 0, conceptA);
            train(model, "<mug>", "cat", 2, conceptB);
        }
    }

    private static void train(SdModel model, String token, String cls, int image, Path out) throws Exception {
        try (Perfusion p = PerfusionTrainingTest.perfusion(model, token, cls, image)) {
            new TrainingLoop(p, PerfusionTrainingTest.options(15, 0)).run(null, false, "x", ProgressListener.NONE,
                    CancelSignal.none());
            java.nio.file.Files.createDirectories(out);
            p.saveConcept(out, out.getFileName().toString());
        }
    }

    /** One image (RGB ints) from a fresh pipeline on {@code model}, concepts applied as named. */
    private static int[] generate(SdModel model, String prompt, List<String> refs) {
        StableDiffusion sd = new StableDiffusion(model, (m, ref) -> ConceptApplier.apply(m, ref, name ->
                dir.resolve(name)));
        GenerationRequest req = new GenerationRequest(prompt, "blurry", 3, 4, 7.5f, "ddim", 64, 64, 1, null, 0.8f, refs);
        BufferedImage img = sd.generate(req, ProgressListener.NONE, CancelSignal.none()).get(0).image();
        return img.getRGB(0, 0, 64, 64, null, 0, 64);
    }

    private static int[] generate(String prompt, String... refs) throws IOException {
        try (SdModel model = SdModelLoader.load(Golden.model("sd1"), null)) {
            return generate(model, prompt, List.of(refs));
        }
    }

    /** Layout-and-Retouch stage 1 on a Perfusion concept: the class prompt's steps run the base model exactly. */
    @Test
    void layoutStepsRunTheBaseModelAndTheRestTheConcept() throws Exception {
        try (SdModel model = SdModelLoader.load(Golden.model("sd1"), null);
                ai.djl.ndarray.NDScope scope = new ai.djl.ndarray.NDScope();
                ai.djl.ndarray.NDManager m = model.manager().newSubManager()) {
            StableDiffusion sd = new StableDiffusion(model);
            String prompt = "a photo of a <teddy> on the beach";
            GenerationRequest req = new GenerationRequest(prompt, "blurry", 3, 4, 7.5f, "ddim", 64, 64, 1, null, 1f,
                    List.of());
            GenerationRequest classReq = new GenerationRequest("a photo of a dog on the beach", "blurry", 3, 4, 7.5f,
                    "ddim", 64, 64, 1, null, 1f, List.of());
            var manifest = ConceptApplier.apply(model, conceptA);
            float[] base = plain(sd, classReq, m);
            float[] personal = plain(sd, req, m);
            RetouchSubject concept = ConceptApplier.retouchSubject(manifest, null, model);
            assertArrayEquals(base, stage1(sd, req, concept, 4, m), "λ₁ = all: base sampling of the class prompt");
            assertArrayEquals(personal, stage1(sd, req, concept, 0, m), "λ₁ = 0: plain Perfusion sampling");
            assertFalse(java.util.Arrays.equals(base, personal));
        }
    }

    private static float[] plain(StableDiffusion sd, GenerationRequest req, ai.djl.ndarray.NDManager m) {
        return sd.sample(req, "ddim", sd.conditioning(req, m), req.seed(), null, null, m,
                StableDiffusion.Progress.of(ProgressListener.NONE), CancelSignal.none()).toFloatArray();
    }

    private static float[] stage1(StableDiffusion sd, GenerationRequest req, RetouchSubject concept, int lambda,
            ai.djl.ndarray.NDManager m) {
        try (StepBlendedSampler.Layout l = new StepBlendedSampler(sd).sample(req, concept, lambda, req.seed(), m,
                StableDiffusion.Progress.of(ProgressListener.NONE), CancelSignal.none())) {
            return l.pixels().toFloatArray();
        }
    }

    @Test
    void withGatesClosedAndNoTokenTheBaseImageIsReproducedExactly() throws Exception {
        int[] base = generate("a photo of a dog on the beach");
        assertArrayEquals(base, generate("a photo of a dog on the beach", "teddy@beta=10000", "mug@beta=10000"),
                "gates forced to 0, no concept token: the base model's image");
        assertArrayEquals(base, generate("a photo of a dog on the beach", "teddy", "mug"),
                "no concept token: the base model's image");
        assertFalse(java.util.Arrays.equals(base, generate("a photo of a <teddy> on the beach", "teddy")),
                "the token turns the concept on");
    }

    @Test
    void twoConceptsComposeAndEachAloneReproducesItsSingleConceptImage() throws Exception {
        int[] both = generate("a <teddy> next to a <mug>", "teddy", "mug");
        int[] closed = generate("a <teddy> next to a <mug>", "teddy@beta=10000", "mug@beta=10000");
        assertFalse(java.util.Arrays.equals(both, closed), "the gates act");
        assertFalse(java.util.Arrays.equals(both, generate("a <teddy> next to a <mug>", "teddy", "mug@form=approximate")),
                "the exact and the approximate multi-concept forms differ");
        try (ai.djl.ndarray.NDManager m = ai.djl.ndarray.NDManager.newBaseManager()) {
            dev.likeness.concepts.EmbeddingFiles.writeDiffusers(dir.resolve("stripes.safetensors"), "<stripes>",
                    m.randomNormal(new ai.djl.ndarray.types.Shape(1, 32)));
        }
        int[] withTi = generate("a <teddy> next to a <mug>, <stripes>", "teddy", "mug", "stripes.safetensors");
        assertFalse(java.util.Arrays.equals(both, withTi), "a Textual Inversion token in the same prompt");
        assertArrayEquals(generate("a photo of a <teddy>", "teddy"), generate("a photo of a <teddy>", "teddy", "mug"),
                "A alone: the same image whether or not B is applied");
        assertArrayEquals(generate("a photo of a <mug>", "mug"), generate("a photo of a <mug>", "teddy", "mug"),
                "B alone: the same image whether or not A is applied");
    }

    @Test
    void strengthAndGlobalLockingChangeTheImageWithoutRetraining() throws Exception {
        try (SdModel model = SdModelLoader.load(Golden.model("sd1"), null)) {
            String prompt = "a photo of a <teddy> in the snow";
            int[] standard = generate(model, prompt, List.of("teddy"));
            int[] strong = generate(model, prompt, List.of("teddy@beta=0.4"));
            int[] global = generate(model, prompt, List.of("teddy@lock=global"));
            assertArrayEquals(standard, generate(model, prompt, List.of("teddy@beta=0.7,tau=0.15")), "defaults");
            assertFalse(java.util.Arrays.equals(standard, strong), "beta changes the image");
            assertFalse(java.util.Arrays.equals(standard, global), "global locking changes the image");
            assertArrayEquals(generate(model, "a photo of a cat", List.of()), generate(model, "a photo of a cat",
                    List.of("teddy@beta=0.4")), "a later request without the token is the base model again");
        }
    }

    @Test
    void strengthIsRefusedForOtherMethodsAndWrongCovariance() throws Exception {
        try (SdModel model = SdModelLoader.load(Golden.model("sd1"), null)) {
            assertThrows(IOException.class, () -> ConceptApplier.apply(model, conceptA, Map.of("lock", "sideways")));
            assertThrows(IllegalArgumentException.class, () -> ConceptRef.parse("teddy@colour=red"));
            PerfusionConcept c = PerfusionConcept.read(conceptA.resolve(PerfusionConcept.FILE));
            PerfusionConcept other = new PerfusionConcept(c.token(), c.classWord(), c.family(), "another-covariance",
                    c.layers(), c.iStar(), c.embedding());
            IOException e = assertThrows(IOException.class,
                    () -> PerfusionRuntime.of(model).put(other, PerfusionSettings.defaults()));
            assertTrue(e.getMessage().contains("covariance"), e.getMessage());
        }
        try (SdModel sd2 = SdModelLoader.load(Golden.model("sd2"), null)) {
            assertThrows(IOException.class, () -> ConceptApplier.apply(sd2, conceptA));
        }
    }
}
