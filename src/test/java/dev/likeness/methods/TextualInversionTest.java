package dev.likeness.methods;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import dev.likeness.methods.textualinversion.TextualInversion;
import dev.likeness.methods.textualinversion.TextualInversionConfig;
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
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TextualInversionTest {
    @TempDir
    Path tmp;

    static List<ReferenceImage> images() {
        return List.of(ReferenceImage.of(TestImages.subject(64, 0), 64), ReferenceImage.of(TestImages.subject(64, 1), 64));
    }

    static TrainingOptions options(int steps, int checkpointEvery) {
        return new TrainingOptions(steps, 1, 1, LrSchedule.constant(5e-3, steps), 0, 0, checkpointEvery, 7);
    }

    static TextualInversion ti(SdModel model, String token) {
        return new TextualInversion(model, new TextualInversionConfig(token, "dog", 1, "object", true), images());
    }

    @Test
    void onlyTheNewVectorsChangeAndTheLossDrops() throws Exception {
        try (SdModel model = SdModelLoader.load(Golden.model("sd1"), null)) {
            Map<String, byte[]> before = ModelSnapshots.weights(model);
            try (TextualInversion ti = ti(model, "<dog-a>")) {
                byte[] initial = ti.vectors().toByteArray();
                double evalBefore = ti.evalLoss(99, 8);
                long t0 = System.nanoTime();
                TrainingLoop.Result r = new TrainingLoop(ti, options(200, 0)).run(null, false, "x",
                        ProgressListener.NONE, CancelSignal.none());
                double msPerStep = (System.nanoTime() - t0) / 1e6 / 200;
                double evalAfter = ti.evalLoss(99, 8);
                System.out.printf("TI 200 steps on sd1-tiny: eval loss %.5f -> %.5f (%.1f ms/step)%n", evalBefore,
                        evalAfter, msPerStep);
                assertEquals(200, r.losses().size());
                assertTrue(evalAfter < evalBefore, "eval loss did not drop: " + evalBefore + " -> " + evalAfter);
                assertFalse(java.util.Arrays.equals(initial, ti.vectors().toByteArray()), "embedding trained");
            }
            Map<String, byte[]> after = ModelSnapshots.weights(model);
            assertEquals(before.keySet(), after.keySet());
            before.forEach((k, v) -> assertArrayEquals(v, after.get(k), k + " changed"));
        }
    }

    /**
     * A cut-out layer's alpha is its subject mask: the same pixels give the plain loss when opaque and the
     * mask-weighted loss (background floored at 0.1) with transparency; an alpha of 255 everywhere is the plain loss.
     * On 927afa0 the cut-out's loss equalled the opaque one bit for bit (alpha ignored).
     */
    @Test
    void alphaIsTheSubjectMask() throws Exception {
        java.awt.image.BufferedImage cutOut = TestImages.subject(64, 0);
        double masked = evalLoss(cutOut, "<al-a>");
        double plain = evalLoss(TestImages.onBlack(cutOut), "<al-b>");
        double allOnes = evalLoss(TestImages.opaqueWithAlpha(cutOut), "<al-c>");
        System.out.printf("TI eval loss, same pixels: opaque %.6f, alpha 255 everywhere %.6f, cut-out (alpha mask) "
                + "%.6f%n", plain, allOnes, masked);
        assertEquals(plain, allOnes, 1e-6 * plain, "an all-ones mask is the plain loss");
        assertTrue(Math.abs(masked - plain) > 1e-3 * plain, "the cut-out's alpha weights the loss");
    }

    private static double evalLoss(java.awt.image.BufferedImage image, String token) throws Exception {
        try (SdModel model = SdModelLoader.load(Golden.model("sd1"), null);
                TextualInversion ti = new TextualInversion(model, new TextualInversionConfig(token, "dog", 1, "object",
                        true), List.of(ReferenceImage.of(image, 64)))) {
            return ti.evalLoss(99, 4);
        }
    }

    @Test
    void resumedRunEqualsUninterruptedRun() throws Exception {
        List<Float> full;
        try (SdModel model = SdModelLoader.load(Golden.model("sd1"), null); TextualInversion ti = ti(model, "<dog-b>")) {
            full = new TrainingLoop(ti, options(30, 10)).run(tmp.resolve("full"), false, "fp", ProgressListener.NONE,
                    CancelSignal.none()).losses();
        }
        Path ck = tmp.resolve("interrupted");
        try (SdModel model = SdModelLoader.load(Golden.model("sd1"), null); TextualInversion ti = ti(model, "<dog-b>")) {
            CancelSignal cancel = new CancelSignal();
            ProgressListener stopAt17 = (step, total, msg) -> {
                if (step == 17) {
                    cancel.cancel();
                }
            };
            assertThrows(CancelSignal.CancelledException.class,
                    () -> new TrainingLoop(ti, options(30, 10)).run(ck, false, "fp", stopAt17, cancel));
        }
        List<Float> resumed;
        try (SdModel model = SdModelLoader.load(Golden.model("sd1"), null); TextualInversion ti = ti(model, "<dog-b>")) {
            assertThrows(java.io.IOException.class, () -> new TrainingLoop(ti, options(30, 10)).run(ck, true,
                    "other settings", ProgressListener.NONE, CancelSignal.none()));
            TrainingLoop.Result r = new TrainingLoop(ti, options(30, 10)).run(ck, true, "fp", ProgressListener.NONE,
                    CancelSignal.none());
            assertEquals(17, r.firstStep(), "resumed from the checkpoint written on cancel");
            resumed = r.losses();
        }
        assertEquals(full.subList(17, 30), resumed, "resumed losses equal the uninterrupted run's");
    }

    @Test
    void thousandStepsKeepNativeMemoryFlat() throws Exception {
        try (SdModel model = SdModelLoader.load(Golden.model("sd1"), null); TextualInversion ti = ti(model, "<dog-c>")) {
            List<long[]> samples = new ArrayList<>();
            ProgressListener probe = (step, total, msg) -> {
                if (step == 500 || step == 1000) { // after the allocator's warm-up high-water mark
                    System.gc(); // Java-side buffers (noise arrays) are freed by GC; native memory is what must stay flat
                    samples.add(new long[] {rssKb(), model.manager().getManagedArrays().size()});
                }
            };
            new TrainingLoop(ti, options(1000, 0)).run(null, false, "x", probe, CancelSignal.none());
            long growthMb = (samples.get(1)[0] - samples.get(0)[0]) / 1024;
            System.out.printf("TI 1000 steps: RSS at step 500 %d MB, at 1000 %d MB; arrays %d -> %d%n",
                    samples.get(0)[0] / 1024, samples.get(1)[0] / 1024, samples.get(0)[1], samples.get(1)[1]);
            assertEquals(samples.get(0)[1], samples.get(1)[1], "NDArrays leaked per step");
            assertTrue(growthMb <= 48, "RSS grew " + growthMb + " MB over the last 500 steps");
        }
    }

    @Test
    void refusesBadTokensAndInitWords() throws Exception {
        try (SdModel model = SdModelLoader.load(Golden.model("sd1"), null)) {
            assertThrows(IllegalArgumentException.class, () -> new TextualInversion(model,
                    new TextualInversionConfig("dog", "dog", 1, "object", false), images()));
            assertThrows(IllegalArgumentException.class, () -> new TextualInversion(model,
                    new TextualInversionConfig("<x>", "a dog", 1, "object", false), images()));
            assertThrows(IllegalArgumentException.class, () -> new TextualInversionConfig("<x>", "dog", 0, "object", false));
        }
    }

    static long rssKb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        throw new IllegalStateException("no VmRSS");
    }
}
