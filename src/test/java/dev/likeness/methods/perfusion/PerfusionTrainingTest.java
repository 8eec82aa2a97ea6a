package dev.likeness.methods.perfusion;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import dev.likeness.pipeline.CancelSignal;
import dev.likeness.pipeline.ProgressListener;
import dev.likeness.pipeline.SdModel;
import dev.likeness.pipeline.SdModelLoader;
import dev.likeness.testing.Golden;
import dev.likeness.testing.ModelSnapshots;
import dev.likeness.testing.TestImages;
import dev.likeness.train.LrSchedule;
import dev.likeness.train.ReferenceImage;
import dev.likeness.train.TrainingLoop;
import dev.likeness.train.TrainingOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PerfusionTrainingTest {
    @TempDir
    Path tmp;

    @BeforeAll
    static void userCache() {
        SharedCache.use();
    }

    static List<ReferenceImage> images(int first) {
        return List.of(ReferenceImage.of(TestImages.subject(64, first), 64),
                ReferenceImage.of(TestImages.subject(64, first + 1), 64));
    }

    static TrainingOptions options(int steps, int checkpointEvery) {
        return new TrainingOptions(steps, 1, 1, LrSchedule.constant(Perfusion.VALUE_LR, steps), 0, 0, checkpointEvery, 7);
    }

    static Perfusion perfusion(SdModel model, String token, String classWord, int firstImage) throws Exception {
        return new Perfusion(model, PerfusionConfig.defaults(token, classWord),
                CovarianceStore.forModel(model, ProgressListener.NONE), images(firstImage));
    }

    @Test
    void hundredStepsLowerTheMaskedLossAndOnlyValuesAndEmbeddingChange() throws Exception {
        try (SdModel model = SdModelLoader.load(Golden.model("sd1"), null)) {
            Map<String, byte[]> weights = ModelSnapshots.weights(model);
            try (Perfusion p = perfusion(model, "<teddy-a>", "dog", 0)) {
                PerfusionConcept before = p.concept();
                double evalBefore = p.evalLoss(99, 8);
                assertEquals(evalBefore, p.evalLoss(99, 8), 0.0, "the evaluation batch is fixed and leaves i* alone");
                long rss0 = PerfusionBench.peakRssKb();
                long t0 = System.nanoTime();
                TrainingLoop.Result r = new TrainingLoop(p, options(100, 0)).run(null, false, "x",
                        ProgressListener.NONE, CancelSignal.none());
                double msPerStep = (System.nanoTime() - t0) / 1e6 / 100;
                double evalAfter = p.evalLoss(99, 8);
                PerfusionConcept after = p.concept();
                System.out.printf("Perfusion 100 steps on sd1-tiny: masked eval loss %.5f -> %.5f, %.1f ms/step, "
                        + "peak RSS %d MB (%d MB before training)%n", evalBefore, evalAfter, msPerStep,
                        PerfusionBench.peakRssKb() / 1024, rss0 / 1024);
                assertEquals(100, r.losses().size());
                assertTrue(evalAfter < evalBefore, "masked eval loss did not drop: " + evalBefore + " -> " + evalAfter);
                for (int l = 0; l < before.layers().size(); l++) {
                    assertArrayEquals(before.layers().get(l).key(), after.layers().get(l).key(), "o*_K is locked");
                }
                assertFalse(java.util.Arrays.equals(before.layers().get(0).value(), after.layers().get(0).value()),
                        "o*_V trained");
                assertFalse(java.util.Arrays.equals(before.embedding(), after.embedding()), "embedding trained");
                assertFalse(java.util.Arrays.equals(before.iStar(), after.iStar()), "i* follows the token's encoding");
            }
            Map<String, byte[]> now = ModelSnapshots.weights(model);
            weights.forEach((k, v) -> assertArrayEquals(v, now.get(k), k + " changed"));
            for (CrossLayer l : CrossLayer.of(model.unet())) {
                assertTrue(l.key().adapters().isEmpty() && l.value().adapters().isEmpty(), "adapters removed");
            }
        }
    }

    @Test
    void initialKeysAreTheSuperCategoryKeys() throws Exception {
        try (SdModel model = SdModelLoader.load(Golden.model("sd2"), null);
                Perfusion p = perfusion(model, "<mug-a>", "cat", 0)) {
            PerfusionConcept c = p.concept();
            assertEquals(32, c.iStar().length);
            CrossLayer first = CrossLayer.of(model.unet()).get(0);
            NDArray w = first.key().weight();
            float[] expected = w.matMul(model.manager().create(c.iStar()).reshape(32, 1)).toFloatArray();
            assertArrayEquals(expected, c.layers().get(0).key(), 1e-5f, "o*_K = W_K·i_super");
            assertArrayEquals(c.layers().get(0).key(), expected, 1e-5f);
            float[] dog = model.textEncoder().tokenEmbedding().get(model.tokenizer().tokenizeWord("cat").get(0))
                    .toFloatArray();
            assertArrayEquals(dog, c.embedding(), 0f, "the word embedding starts at the class word's");
        }
    }

    @Test
    void resumedRunEqualsUninterruptedRun() throws Exception {
        List<Float> full;
        float[] fullIStar;
        try (SdModel model = SdModelLoader.load(Golden.model("sd1"), null); Perfusion p = perfusion(model, "<r>", "dog", 0)) {
            full = new TrainingLoop(p, options(12, 4)).run(tmp.resolve("full"), false, "fp", ProgressListener.NONE,
                    CancelSignal.none()).losses();
            fullIStar = p.concept().iStar();
        }
        Path ck = tmp.resolve("interrupted");
        try (SdModel model = SdModelLoader.load(Golden.model("sd1"), null); Perfusion p = perfusion(model, "<r>", "dog", 0)) {
            CancelSignal cancel = new CancelSignal();
            ProgressListener stop = (step, total, msg) -> {
                if (step == 7) {
                    cancel.cancel();
                }
            };
            assertThrows(CancelSignal.CancelledException.class,
                    () -> new TrainingLoop(p, options(12, 4)).run(ck, false, "fp", stop, cancel));
        }
        try (SdModel model = SdModelLoader.load(Golden.model("sd1"), null); Perfusion p = perfusion(model, "<r>", "dog", 0)) {
            TrainingLoop.Result r = new TrainingLoop(p, options(12, 4)).run(ck, true, "fp", ProgressListener.NONE,
                    CancelSignal.none());
            assertEquals(7, r.firstStep());
            assertEquals(full.subList(7, 12), r.losses(), "resumed losses equal the uninterrupted run's");
            assertArrayEquals(fullIStar, p.concept().iStar(), 0f, "i* restored from the checkpoint");
        }
    }

    @Test
    void refusesMultiTokenClassWordsAndExistingTokens() throws Exception {
        try (SdModel model = SdModelLoader.load(Golden.model("sd1"), null)) {
            Covariance c = CovarianceStore.forModel(model, ProgressListener.NONE);
            assertThrows(IllegalArgumentException.class,
                    () -> new Perfusion(model, PerfusionConfig.defaults("<x>", "teddy bear"), c, images(0)));
            assertThrows(IllegalArgumentException.class,
                    () -> new Perfusion(model, PerfusionConfig.defaults("dog", "dog"), c, images(0)));
            assertThrows(IllegalArgumentException.class, () -> PerfusionConfig.defaults("<x>", ""));
        }
    }

    @Test
    void maskImagesReplaceAlpha() throws Exception {
        java.awt.image.BufferedImage m = new java.awt.image.BufferedImage(64, 64, java.awt.image.BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 64; y++) {
            for (int x = 32; x < 64; x++) {
                m.setRGB(x, y, 0xFFFFFF);
            }
        }
        Path file = tmp.resolve("mask.png");
        javax.imageio.ImageIO.write(m, "png", file.toFile());
        float[] mask = PerfusionSetup.mask(file, 64);
        assertEquals(0f, mask[10], 1e-6f);
        assertEquals(1f, mask[50], 1e-6f);
        assertTrue(Files.exists(file));
    }
}
