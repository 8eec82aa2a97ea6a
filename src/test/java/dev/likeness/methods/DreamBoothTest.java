package dev.likeness.methods;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import dev.likeness.methods.dreambooth.DreamBooth;
import dev.likeness.pipeline.CancelSignal;
import dev.likeness.pipeline.ProgressListener;
import dev.likeness.pipeline.SdModel;
import dev.likeness.pipeline.SdModelLoader;
import dev.likeness.testing.Golden;
import dev.likeness.train.TrainingLoop;
import dev.likeness.train.TrainingOptions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** DreamBooth training, full and LoRA, on the tiny model: the loss drops, resume is exact, memory stays flat. */
class DreamBoothTest {
    @TempDir
    Path tmp;

    private static Map<String, byte[]> unet(SdModel model) {
        Map<String, byte[]> out = new LinkedHashMap<>();
        model.parameters().unet().forEach((k, v) -> out.put(k, v.toByteArray()));
        return out;
    }

    /** @param rank 0: full fine-tune */
    @ParameterizedTest
    @ValueSource(ints = {0, 4})
    void twoHundredStepsReduceTheEvalLossAndLeaveTheModelAsItWas(int rank) throws Exception {
        double lr = rank == 0 ? 1e-3 : 1e-2;
        TrainingOptions options = DreamBoothFixtures.options(200, lr, 0);
        try (SdModel model = SdModelLoader.load(Golden.model("sd1"), null)) {
            Map<String, byte[]> before = unet(model);
            double[] evalBefore;
            double[] evalAfter;
            double msPerStep;
            try (DreamBooth db = DreamBoothFixtures.create(model,
                    DreamBoothFixtures.request("dog", rank, options, tmp.resolve("class")))) {
                evalBefore = db.evalParts(99, 4);
                long t0 = System.nanoTime();
                TrainingLoop.Result r = new TrainingLoop(db, options).run(null, false, "x", ProgressListener.NONE,
                        CancelSignal.none());
                msPerStep = (System.nanoTime() - t0) / 1e6 / 200;
                evalAfter = db.evalParts(99, 4);
                assertEquals(200, r.losses().size());
            }
            System.out.printf("DreamBooth %s 200 steps on sd1-tiny: eval loss %.5f -> %.5f (instance %.5f -> %.5f, "
                    + "prior %.5f -> %.5f), %.1f ms/step%n", rank == 0 ? "full" : "LoRA r" + rank, evalBefore[0],
                    evalAfter[0], evalBefore[1], evalAfter[1], evalBefore[2], evalAfter[2], msPerStep);
            assertTrue(evalAfter[0] < evalBefore[0], "eval loss did not drop: " + evalBefore[0] + " -> " + evalAfter[0]);
            Map<String, byte[]> after = unet(model);
            before.forEach((k, v) -> assertArrayEquals(v, after.get(k), k + " differs after the run"));
            model.unet().attentionLayers().values().forEach(a -> assertTrue(a.toQ().adapters().isEmpty()));
        }
    }

    /** @param rank 0: full fine-tune */
    @ParameterizedTest
    @ValueSource(ints = {0, 4})
    void resumedRunEqualsUninterruptedRun(int rank) throws Exception {
        TrainingOptions options = DreamBoothFixtures.options(30, rank == 0 ? 1e-3 : 1e-2, 10);
        TrainingRequest req = DreamBoothFixtures.request("dog", rank, options, tmp.resolve("class"));
        List<Float> full;
        try (SdModel model = SdModelLoader.load(Golden.model("sd1"), null);
                DreamBooth db = DreamBoothFixtures.create(model, req)) {
            full = new TrainingLoop(db, options).run(tmp.resolve("full"), false, "fp", ProgressListener.NONE,
                    CancelSignal.none()).losses();
        }
        Path ck = tmp.resolve("interrupted");
        try (SdModel model = SdModelLoader.load(Golden.model("sd1"), null);
                DreamBooth db = DreamBoothFixtures.create(model, req)) {
            CancelSignal cancel = new CancelSignal();
            ProgressListener stopAt17 = (step, total, msg) -> {
                if (step == 17) {
                    cancel.cancel();
                }
            };
            assertThrows(CancelSignal.CancelledException.class,
                    () -> new TrainingLoop(db, options).run(ck, false, "fp", stopAt17, cancel));
        }
        List<Float> resumed;
        try (SdModel model = SdModelLoader.load(Golden.model("sd1"), null);
                DreamBooth db = DreamBoothFixtures.create(model, req)) {
            TrainingLoop.Result r = new TrainingLoop(db, options).run(ck, true, "fp", ProgressListener.NONE,
                    CancelSignal.none());
            assertEquals(17, r.firstStep(), "resumed from the checkpoint written on cancel");
            resumed = r.losses();
        }
        assertEquals(full.subList(17, 30), resumed, "resumed losses equal the uninterrupted run's");
    }

    @Test
    void thousandLoraStepsKeepNativeMemoryFlat() throws Exception {
        TrainingOptions options = DreamBoothFixtures.options(1000, 1e-3, 0);
        try (SdModel model = SdModelLoader.load(Golden.model("sd1"), null);
                DreamBooth db = DreamBoothFixtures.create(model,
                        DreamBoothFixtures.request("dog", 4, options, tmp.resolve("class")))) {
            List<long[]> samples = new ArrayList<>();
            ProgressListener probe = (step, total, msg) -> {
                if (step == 100 || step == 1000) {
                    System.gc(); // Java-side buffers (noise arrays) are freed by GC; native memory is what must stay flat
                    samples.add(new long[] {TextualInversionTest.rssKb(), model.manager().getManagedArrays().size()});
                }
            };
            new TrainingLoop(db, options).run(null, false, "x", probe, CancelSignal.none());
            long growthMb = (samples.get(1)[0] - samples.get(0)[0]) / 1024;
            System.out.printf("DreamBooth LoRA 1000 steps: RSS at step 100 %d MB, at 1000 %d MB; arrays %d -> %d%n",
                    samples.get(0)[0] / 1024, samples.get(1)[0] / 1024, samples.get(0)[1], samples.get(1)[1]);
            assertEquals(samples.get(0)[1], samples.get(1)[1], "NDArrays leaked per step");
            assertTrue(growthMb <= 48, "RSS grew " + growthMb + " MB over 900 steps");
        }
    }

    @Test
    void fullFineTuneCanTrainTheTextEncoderToo() throws Exception {
        TrainingOptions options = DreamBoothFixtures.options(5, 1e-3, 0);
        TrainingRequest req = DreamBoothFixtures.request("dog", 0, options, tmp.resolve("class"),
                Map.of("trainTextEncoder", true));
        try (SdModel model = SdModelLoader.load(Golden.model("sd1"), null)) {
            String name = "text_model.encoder.layers.0.self_attn.q_proj.weight";
            NDArray param = model.parameters().textEncoder().get(name);
            byte[] before = param.toByteArray();
            try (DreamBooth db = DreamBoothFixtures.create(model, req)) {
                assertTrue(db.trainables().containsKey("text_encoder." + name));
                new TrainingLoop(db, options).run(null, false, "x", ProgressListener.NONE, CancelSignal.none());
                assertFalse(java.util.Arrays.equals(before, param.toByteArray()), "the text encoder trained");
            }
            assertArrayEquals(before, param.toByteArray(), "and was restored afterwards");
        }
        TrainingRequest lora = DreamBoothFixtures.request("dog", 4, options, tmp.resolve("class"),
                Map.of("trainTextEncoder", true));
        try (SdModel model = SdModelLoader.load(Golden.model("sd1"), null)) {
            assertThrows(IllegalArgumentException.class, () -> DreamBoothFixtures.create(model, lora));
        }
    }
}
