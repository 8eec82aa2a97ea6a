package dev.likeness.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.awt.image.BufferedImage;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The {@code with...} methods read like named arguments and change exactly one thing each. */
class GenerationRequestTest {

    @Test
    void eachWitherChangesOneComponent() {
        BufferedImage init = new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB);
        GenerationRequest r = new GenerationRequest("a dog", "blur", 3, 20, 5f, "euler", 64, 48, 2, init, 0.6f,
                List.of("cat"));
        assertEquals(new GenerationRequest("a dog", "ugly", 3, 20, 5f, "euler", 64, 48, 2, init, 0.6f,
                List.of("cat")), r.withNegativePrompt("ugly"));
        assertEquals(new GenerationRequest("a dog", "blur", 3, 7, 5f, "euler", 64, 48, 2, init, 0.6f,
                List.of("cat")), r.withSteps(7));
        assertEquals(new GenerationRequest("a dog", "blur", 3, 20, 9f, "euler", 64, 48, 2, init, 0.6f,
                List.of("cat")), r.withGuidance(9f));
        assertEquals(new GenerationRequest("a dog", "blur", 3, 20, 5f, "ddim", 64, 48, 2, init, 0.6f,
                List.of("cat")), r.withSampler("ddim"));
        assertEquals(new GenerationRequest("a dog", "blur", 3, 20, 5f, "euler", 64, 48, 1, init, 0.6f,
                List.of("cat")), r.withCount(1));
        assertEquals(new GenerationRequest("a dog", "blur", 3, 20, 5f, "euler", 64, 48, 2, null, 1f,
                List.of("cat")), r.withoutInitImage());
        assertEquals(new GenerationRequest("a dog", "blur", 3, 20, 5f, "euler", 64, 48, 2, init, 0.6f,
                List.of()), r.withConcepts(List.of()));
    }

    @Test
    void theLayoutRetouchSelfReferenceIsTheRequestItUsedToSpellOut() {
        assertEquals(new GenerationRequest("a photo of <x>", "", 5, 10, 7.5f, "ddim", 64, 64, 1, null, 1f, List.of()),
                GenerationRequest.of("a photo of <x>", 64, 64).withSeed(5).withSteps(10).withSampler("ddim")
                        .withoutInitImage());
    }
}
