package dev.likeness.methods;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.likeness.engine.tokenizer.ClipTokenizer;
import dev.likeness.methods.dreambooth.ClassImageSpec;
import dev.likeness.methods.dreambooth.ClassImages;
import dev.likeness.methods.dreambooth.DreamBoothConfig;
import dev.likeness.methods.dreambooth.DreamBoothSetup;
import dev.likeness.methods.dreambooth.RareIdentifier;
import dev.likeness.pipeline.CancelSignal;
import dev.likeness.pipeline.ProgressListener;
import dev.likeness.pipeline.SdModel;
import dev.likeness.pipeline.SdModelLoader;
import dev.likeness.testing.Golden;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** DreamBooth's set-up: the rare identifier, prompts, and the class image cache. */
class DreamBoothSetupTest {
    @TempDir
    Path tmp;

    @Test
    void identifierIsARareSingleTokenChosenFromTheSeed() throws Exception {
        ClipTokenizer tok = ClipTokenizer.load(Golden.model("sd1").resolve("tokenizer"));
        Set<String> seen = new HashSet<>();
        for (long seed = 0; seed < 6; seed++) {
            String id = RareIdentifier.choose(tok, seed);
            assertEquals(id, RareIdentifier.choose(tok, seed), "deterministic");
            List<Integer> ids = tok.tokenizeWord(id);
            assertEquals(1, ids.size(), id + " is one token");
            assertTrue(ids.get(0) >= 40_000, id + " is a rare merge (id " + ids.get(0) + ")");
            assertTrue(id.matches("[a-z]{3}"), id);
            assertEquals(List.of(320, ids.get(0), 1929), tok.tokenizeWord("a " + id + " dog"), "stays one token in a prompt");
            seen.add(id);
        }
        assertTrue(seen.size() >= 4, "seeds pick different identifiers: " + seen);
        RareIdentifier.check(tok, "sks");
        assertThrows(IllegalArgumentException.class, () -> RareIdentifier.check(tok, "two words"));
        assertThrows(IllegalArgumentException.class, () -> RareIdentifier.check(tok, "qwzxqwzxqwzxqwzx"));
    }

    @Test
    void tokenIsTheIdentifierOrThePromptAlias() throws Exception {
        try (SdModel model = SdModelLoader.load(Golden.model("sd1"), null)) {
            TrainingRequest plain = Requests.of("dreambooth", "rex", List.of(), "sks", "dog",
                    DreamBoothFixtures.options(1, 1e-4, 0), Map.of("loraRank", 4), null);
            DreamBoothConfig a = DreamBoothSetup.config(model, plain, 3);
            assertEquals("sks", a.identifier());
            assertEquals("<rex>", a.alias());
            assertEquals("a photo of sks dog", a.instancePrompt(), "diffusers' instance prompt");
            assertEquals("a photo of dog", a.classPrompt(), "diffusers' class prompt");
            assertEquals(3 * DreamBoothConfig.CLASS_IMAGES_PER_IMAGE, a.classImages(), "scales with the images");
            assertEquals(1000, DreamBoothSetup.config(model, plain, 5).classImages(), "5 images: the paper's ~1000");
            TrainingRequest fixed = Requests.of("dreambooth", "rex", List.of(), "sks", "dog",
                    DreamBoothFixtures.options(1, 1e-4, 0), Map.of("classImages", 150), null);
            assertEquals(150, DreamBoothSetup.config(model, fixed, 5).classImages(), "a given count is kept");
            assertEquals(1f, a.priorWeight());
            assertEquals(4f, a.loraAlpha());

            TrainingRequest placeholder = Requests.of("dreambooth", "rex", List.of(), "<my-rex>", "dog",
                    DreamBoothFixtures.options(1, 1e-4, 0), Map.of(), null);
            DreamBoothConfig b = DreamBoothSetup.config(model, placeholder, 1);
            assertEquals("<my-rex>", b.alias());
            assertEquals(RareIdentifier.choose(model.tokenizer(), 7), b.identifier(), "chosen from the seed");
            assertFalse(b.lora());

            TrainingRequest noClass = Requests.of("dreambooth", "rex", List.of(), null, null,
                    DreamBoothFixtures.options(1, 1e-4, 0), Map.of(), null);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> DreamBoothSetup.config(model, noClass, 1));
            assertTrue(e.getMessage().contains("--class"), e.getMessage());
        }
    }

    @Test
    void classImagesAreGeneratedOnceAndReused() throws Exception {
        try (SdModel model = SdModelLoader.load(Golden.model("sd1"), null)) {
            ClassImageSpec spec = new ClassImageSpec("a photo of a dog", 2, 7.5f, null, 64, 0);
            List<Path> two = ClassImages.ensure(model, spec, 2, tmp, ProgressListener.NONE, CancelSignal.none());
            assertEquals(2, two.size());
            FileTime old = FileTime.fromMillis(0);
            for (Path p : two) {
                Files.setLastModifiedTime(p, old);
            }
            int[] progress = new int[1];
            List<Path> three = ClassImages.ensure(model, spec, 3, tmp, (s, t, m) -> progress[0] = s,
                    CancelSignal.none());
            assertEquals(two, three.subList(0, 2), "same folder, same files");
            for (Path p : two) {
                assertEquals(old, Files.getLastModifiedTime(p), p + " was not generated again");
            }
            assertTrue(Files.isRegularFile(three.get(2)));
            assertEquals(3, progress[0]);
            List<Path> other = ClassImages.ensure(model, new ClassImageSpec("a photo of a cat", 2, 7.5f, null, 64, 0),
                    1, tmp, ProgressListener.NONE, CancelSignal.none());
            assertNotEquals(two.get(0).getParent(), other.get(0).getParent(), "other settings, other folder");
            CancelSignal cancelled = new CancelSignal();
            cancelled.cancel();
            assertThrows(CancelSignal.CancelledException.class, () -> ClassImages.ensure(model, spec, 5, tmp,
                    ProgressListener.NONE, cancelled));
        }
    }
}
