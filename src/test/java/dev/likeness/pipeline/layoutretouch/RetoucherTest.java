package dev.likeness.pipeline.layoutretouch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import dev.likeness.pipeline.CancelSignal;
import dev.likeness.pipeline.Conditioning;
import dev.likeness.pipeline.DdimInversion;
import dev.likeness.pipeline.GenerationRequest;
import dev.likeness.pipeline.ImageTensors;
import dev.likeness.pipeline.LatentTrajectory;
import dev.likeness.pipeline.PromptEncoder;
import dev.likeness.pipeline.SampleRun;
import dev.likeness.pipeline.SdModel;
import dev.likeness.pipeline.StableDiffusion;
import dev.likeness.testing.TestImages;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Stage 2 on a stage-1 layout: without swapping it is plain sampling; with it, the references change the target. */
class RetoucherTest {
    private static final int STEPS = 10;
    private static final int LAMBDA = 3;
    private static final String PROMPT = "a photo of " + TinyConcepts.TOKEN + " in a garden";
    private static final StableDiffusion.Progress QUIET = StableDiffusion.Progress.of((s, t, m) -> { });

    @ParameterizedTest
    @ValueSource(strings = {"sd1", "sd2"})
    void withoutSwappingStageTwoIsPlainSampling(String family) throws Exception {
        try (SdModel model = TinyConcepts.model(family); NDScope scope = new NDScope();
                NDManager m = model.manager().newSubManager()) {
            StableDiffusion sd = new StableDiffusion(model);
            RetouchSubject concept = TinyConcepts.dog(model);
            GenerationRequest req = TinyConcepts.request(PROMPT, 21, STEPS);
            Conditioning target = sd.conditioning(req, m);
            PromptEncoder prompts = new PromptEncoder(model);
            String contextPrompt = concept.classPrompt(PROMPT);
            try (StepBlendedSampler.Layout layout = new StepBlendedSampler(sd).sample(req, concept, LAMBDA, 21, m,
                    QUIET, CancelSignal.none());
                    LatentTrajectory ref = reference(sd, m)) {
                Retoucher.Source context = new Retoucher.Source(layout.trajectory(), prompts.encode(contextPrompt, m),
                        TokenPositions.of(model, contextPrompt, "dog"), null);
                List<Retoucher.Source> refs = List.of(new Retoucher.Source(ref,
                        prompts.encode(concept.subjectPrompt(), m),
                        TokenPositions.of(model, concept.subjectPrompt(), "dog"), null));
                RetouchSettings off = RetouchSettings.DEFAULTS.withSwap(false).withBlend(false);

                float[] plain = sd.sampleLatents(req, 21, layout.trajectory().at(0), null, m,
                        SampleRun.of(target).withSampler("ddim").withProgress(QUIET)).toFloatArray();
                float[] fromStart = run(model, off, 0, target, context, refs).toFloatArray();
                assertArrayEquals(plain, fromStart, "from the same initial latents: plain personalized sampling");

                float[] fromLambda = run(model, off, LAMBDA, target, context, refs).toFloatArray();
                assertArrayEquals(layout.trajectory().clean().toFloatArray(), fromLambda,
                        "from step λ₁: stage 1's own personalized steps");

                float[] swapped = run(model, RetouchSettings.DEFAULTS.withBlend(false), LAMBDA, target, context, refs)
                        .toFloatArray();
                float[] unmasked = run(model, RetouchSettings.DEFAULTS.withBlend(false).withMaskedSwap(false), LAMBDA,
                        target, context, refs).toFloatArray();
                assertTrue(StepBlendedSamplerTest.meanAbs(swapped, fromLambda) > 1e-3, "swapping changes the target");
                assertTrue(StepBlendedSamplerTest.meanAbs(swapped, unmasked) > 1e-4, "the masks change the swap");
            }
        }
    }

    /**
     * The context branch replays the layout with the text each step was made with: from λ₁ the personal prompt. So
     * with the swap on (unmasked, no blending, no references) the target reads K/V equal to its own and stage 2
     * retraces the layout; with 927afa0's class prompt throughout it does not.
     */
    @Test
    void theLayoutIsReplayedWithTheTextItsStepsWereMadeWith() throws Exception {
        try (SdModel model = TinyConcepts.model("sd1"); NDScope scope = new NDScope();
                NDManager m = model.manager().newSubManager()) {
            StableDiffusion sd = new StableDiffusion(model);
            RetouchSubject concept = TinyConcepts.dog(model);
            GenerationRequest req = TinyConcepts.request(PROMPT, 21, STEPS);
            Conditioning target = sd.conditioning(req, m);
            RetouchSettings swapOnly = RetouchSettings.DEFAULTS.withBlend(false).withMaskedSwap(false);
            try (StepBlendedSampler.Layout layout = new StepBlendedSampler(sd).sample(req, concept, LAMBDA, 21, m,
                    QUIET, CancelSignal.none())) {
                float[] expected = layout.trajectory().clean().toFloatArray();
                Retoucher.Source source = new LayoutRetouch(sd).layoutSource(layout.trajectory(), concept, PROMPT,
                        target, LAMBDA, m);
                float[] replayed = run(model, swapOnly, LAMBDA, target, source, List.of()).toFloatArray();
                String classPrompt = concept.classPrompt(PROMPT);
                Retoucher.Source classText = new Retoucher.Source(layout.trajectory(),
                        new PromptEncoder(model).encode(classPrompt, m), TokenPositions.of(model, classPrompt, "dog"),
                        null);
                float[] old = run(model, swapOnly, LAMBDA, target, classText, List.of()).toFloatArray();
                double fixed = StepBlendedSamplerTest.meanAbs(replayed, expected);
                double before = StepBlendedSamplerTest.meanAbs(old, expected);
                System.out.printf("stage 2 (swap only, no references) vs the layout, mean |latent diff|: context "
                        + "with the personal prompt from lambda1 %.2e, with the class prompt (927afa0) %.2e%n", fixed,
                        before);
                assertTrue(fixed <= 1e-5, "the replay retraces the layout: " + fixed);
                assertTrue(before > 100 * Math.max(fixed, 1e-7), "the class prompt does not: " + before);
            }
        }
    }

    private static NDArray run(SdModel model, RetouchSettings settings, int start, Conditioning target,
            Retoucher.Source context, List<Retoucher.Source> refs) {
        return new Retoucher(model, settings).run(DdimInversion.scheduler(model, STEPS, true), start, target,
                context, refs, null, 0, QUIET, CancelSignal.none()).latents();
    }

    /** A reference image (a cut-out subject) inverted with an empty prompt. */
    private static LatentTrajectory reference(StableDiffusion sd, NDManager m) {
        NDArray clean = sd.encodeMean(ImageTensors.toTensor(ImageOps.onGrey(TestImages.subject(64, 1)), m));
        Conditioning empty = new Conditioning(null, new PromptEncoder(sd.model()).encode("", m), 1f);
        return new DdimInversion(sd.model()).invert(clean, empty, STEPS, 0, QUIET, CancelSignal.none());
    }
}
