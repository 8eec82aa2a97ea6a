package dev.likeness.pipeline.layoutretouch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import dev.likeness.pipeline.ConceptSwitch;
import dev.likeness.pipeline.PromptEncoder;
import dev.likeness.pipeline.SdModel;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Several subjects in one Layout-and-Retouch prompt: each keeps its own words in the class prompt, their weights
 * switch together, and the attention store reads one map per subject from a single context row.
 */
class RetouchSubjectsTest {
    @Test
    void twoSubjectsOfOneClassKeepTheirOwnWords() throws Exception {
        try (SdModel model = TinyConcepts.model()) {
            RetouchSubject a = TinyConcepts.dog(model);
            RetouchSubject b = new RetouchSubject("<other-dog>", "dog", ConceptSwitch.PROMPT_ONLY);
            model.conceptTokens().put(b.token(), model.textEncoder().tokenEmbedding().get(5).expandDims(0));
            RetouchSubjects both = new RetouchSubjects(List.of(a, b));
            String prompt = "a dog park, " + a.token() + " beside <other-dog>";
            assertEquals("a dog park, dog beside dog", both.classPrompt(prompt));
            List<int[]> positions = both.classPositions(model, prompt);
            // bos, a, dog, park, ",", dog (5), beside, dog (7)
            assertArrayEquals(new int[] {5}, positions.get(0));
            assertArrayEquals(new int[] {7}, positions.get(1));
            List<int[]> personal = both.personalPositions(model, prompt);
            assertArrayEquals(new int[] {5}, personal.get(0));
            assertArrayEquals(new int[] {7}, personal.get(1));
            // one subject: its own class word, not the one the prompt has of its own (all three matched at 820efc8)
            assertArrayEquals(new int[] {5}, RetouchSubjects.of(a).classPositions(model, "a dog park, " + a.token()
                    + " beside a dog").get(0));

            assertThrows(IllegalArgumentException.class, () -> both.requireIn("a photo of " + a.token()));
            assertThrows(IllegalArgumentException.class, () -> new RetouchSubjects(List.of(a, a)));
        }
    }

    @Test
    void switchingOffStopsAtAFineTunedSubjectWithTheOthersRestored() {
        List<Boolean> states = new ArrayList<>();
        ConceptSwitch lora = states::add;
        RetouchSubjects subjects = new RetouchSubjects(List.of(new RetouchSubject("<a>", "dog", lora),
                new RetouchSubject("<b>", "cat", ConceptSwitch.alwaysOn("a fully fine-tuned model"))));
        assertThrows(UnsupportedOperationException.class, () -> subjects.weights().switchedOff());
        assertEquals(List.of(false, true), states, "the LoRA subject is switched back on");
    }

    @Test
    void oneContextRowGivesEachSubjectItsOwnMap() throws Exception {
        try (SdModel model = TinyConcepts.model(); NDScope scope = new NDScope();
                NDManager m = model.manager().newSubManager()) {
            RetouchSubject a = TinyConcepts.dog(model);
            String prompt = "a photo of " + a.token() + " and a cat";
            int[] dog = TokenPositions.of(model, prompt, a.token());
            int[] cat = TokenPositions.of(model, prompt, "cat");
            var layers = UNetLayers.maskLayers(model.unet(), 4);
            int levels = model.unet().config().blockOutChannels().length;
            int d = UNetLayers.downscale(layers.get(0).path(), levels);
            try (CrossAttentionStore one = CrossAttentionStore.install(layers, UNetLayers.side(16, d),
                    UNetLayers.side(16, d));
                    CrossAttentionStore dogOnly = CrossAttentionStore.install(layers, UNetLayers.side(16, d),
                            UNetLayers.side(16, d));
                    CrossAttentionStore catOnly = CrossAttentionStore.install(layers, UNetLayers.side(16, d),
                            UNetLayers.side(16, d))) {
                one.entries(0, List.of(List.of(dog, cat)), 77);
                dogOnly.rows(0, List.of(dog), 77);
                catOnly.rows(0, List.of(cat), 77);
                one.record();
                dogOnly.record();
                catOnly.record();
                m.getEngine().setRandomSeed(4);
                NDArray latents = m.randomNormal(new Shape(1, model.unet().config().inChannels(), 16, 16));
                NDArray text = new PromptEncoder(model).encode(prompt, m);
                model.unet().forward(latents, m.create(new float[] {500f}), text);
                assertArrayEquals(dogOnly.map(0), one.map(0), 1e-6f);
                assertArrayEquals(catOnly.map(0), one.map(1), 1e-6f);
            }
        }
    }
}
