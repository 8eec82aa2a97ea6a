package dev.likeness.methods;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.likeness.pipeline.CancelSignal;
import dev.likeness.pipeline.ProgressListener;
import dev.likeness.pipeline.SdModel;
import dev.likeness.pipeline.SdModelLoader;
import dev.likeness.pipeline.preview.PreviewFrame;
import dev.likeness.pipeline.preview.PreviewSink;
import dev.likeness.testing.Golden;
import dev.likeness.testing.TestImages;
import dev.likeness.train.LrSchedule;
import dev.likeness.train.TrainingHistory;
import dev.likeness.train.TrainingOptions;
import dev.likeness.train.TrainingStep;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Training feedback: every step's loss, its moving average and learning rate reach the observer, the live history
 * file and the concept; a run interrupted and resumed reports each step once, with the numbers of an uninterrupted
 * run.
 */
class TrainingHistoryTest {
    private static final int STEPS = 6;
    private static final SamplePlan PLAN = new SamplePlan(4, 3, null, 5, 7.5f);

    @TempDir
    Path tmp;

    @Test
    void aResumedRunHasTheHistoryOfAnUninterruptedOne() throws Exception {
        List<Path> images = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            Path p = tmp.resolve("ref" + i + ".png");
            ImageIO.write(TestImages.subject(64, i), "png", p.toFile());
            images.add(p);
        }
        TrainingOptions options = new TrainingOptions(STEPS, 1, 1, new LrSchedule("cosine", 5e-3, 0, STEPS), 0, 0, 0, 7);
        try (SdModel model = SdModelLoader.load(Golden.model("sd1"), null)) {
            List<TrainingStep> straight = new ArrayList<>();
            List<PreviewFrame> frames = new ArrayList<>();
            ConceptTrainer.run(model, request("straight", images, options), tmp.resolve("w1"), false,
                    tmp.resolve("straight"), ProgressListener.NONE, new TrainingFeedback(straight::add, PLAN,
                            frames::add), CancelSignal.none());
            assertEquals(List.of(2, 4, 6), frames.stream().map(PreviewFrame::step).toList(),
                    "4 samples asked for 6 steps: every 2nd step and the last");
            List<Path> samples = ConceptTrainer.samples(tmp.resolve("straight"));
            assertEquals(List.of("step-000002.png", "step-000004.png", "step-000006.png"),
                    samples.stream().map(p -> p.getFileName().toString()).toList());
            assertEquals(64, ImageIO.read(samples.get(0).toFile()).getWidth(), "at the training resolution");

            List<TrainingStep> plain = new ArrayList<>();
            ConceptTrainer.run(model, request("plain", images, options), tmp.resolve("w0"), false,
                    tmp.resolve("plain"), ProgressListener.NONE, plain::add, CancelSignal.none());
            for (int i = 0; i < STEPS; i++) {
                assertEquals(plain.get(i).loss(), straight.get(i).loss(), 0.0, "samples leave the training alone");
            }
            assertTrue(ConceptTrainer.samples(tmp.resolve("plain")).isEmpty());

            List<TrainingStep> seen = new ArrayList<>();
            CancelSignal cancel = new CancelSignal();
            ProgressListener stopAt3 = (step, total, msg) -> {
                if (step == 3 && msg.startsWith("loss")) {
                    cancel.cancel();
                }
            };
            TrainingRequest req = request("resumed", images, options);
            assertThrows(CancelSignal.CancelledException.class, () -> ConceptTrainer.run(model, req,
                    tmp.resolve("w2"), false, tmp.resolve("resumed"), stopAt3, new TrainingFeedback(seen::add, PLAN,
                            PreviewSink.NONE), cancel));
            assertEquals(3, seen.size());
            try (SdModel restarted = SdModelLoader.load(Golden.model("sd1"), null)) { // as after a restart
                ConceptTrainer.run(restarted, req, tmp.resolve("w2"), true, tmp.resolve("resumed"),
                        ProgressListener.NONE, new TrainingFeedback(seen::add, PLAN, PreviewSink.NONE),
                        CancelSignal.none());
            }

            assertEquals(STEPS, seen.size(), "each step reported once");
            double sum = 0;
            for (int i = 0; i < STEPS; i++) {
                TrainingStep a = straight.get(i);
                TrainingStep b = seen.get(i);
                assertEquals(i + 1, b.step());
                assertEquals(STEPS, b.total());
                assertEquals(a.loss(), b.loss(), 1e-6, "step " + (i + 1));
                assertEquals(a.lossAverage(), b.lossAverage(), 1e-6, "the average runs on across the resume");
                sum += a.loss();
                assertEquals(sum / (i + 1), a.lossAverage(), 1e-9, "mean of the steps so far (fewer than 25)");
                assertEquals(options.lr().lr(i), b.lr(), 1e-12);
            }
            List<TrainingStep> stored = TrainingHistory.read(tmp.resolve("resumed").resolve(
                    TrainingHistory.CONCEPT_FILE));
            assertEquals(seen, stored, "the concept keeps the whole history, the steps before the resume included");
            assertEquals(stored, TrainingHistory.read(tmp.resolve("w2").resolve(ConceptTrainer.HISTORY)));
            List<Path> resumedSamples = ConceptTrainer.samples(tmp.resolve("resumed"));
            assertEquals(samples.size(), resumedSamples.size(), "the sample before the resume is kept, no twice");
            for (int i = 0; i < samples.size(); i++) {
                assertTrue(java.util.Arrays.equals(Files.readAllBytes(samples.get(i)),
                        Files.readAllBytes(resumedSamples.get(i))), "same sample as uninterrupted: " + i);
            }
        }
    }

    /** Each method's samples read the model as it trains without touching what it trains. */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"perfusion", "dreambooth", "palp"})
    void samplesLeaveEveryMethodsTrainingAlone(String method) throws Exception {
        List<Path> images = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            Path p = tmp.resolve("ref" + i + ".png");
            ImageIO.write(TestImages.subject(64, i), "png", p.toFile());
            images.add(p);
        }
        Map<String, Object> settings = switch (method) {
            case "dreambooth" -> Map.of("loraRank", 4, "priorWeight", 0f);
            case "palp" -> Map.of("loraRank", 4, "targetPrompt", "a painting of <palp-a>");
            default -> Map.of();
        };
        TrainingOptions options = new TrainingOptions(4, 1, 1, LrSchedule.constant(1e-3, 4), 0, 0, 0, 3);
        List<List<Double>> losses = new ArrayList<>();
        for (SamplePlan plan : List.of(SamplePlan.NONE, new SamplePlan(2, 2, null, 5, 7.5f))) {
            try (SdModel model = SdModelLoader.load(Golden.model("sd1"), null)) {
                String name = method + "-" + (plan.count() == 0 ? "a" : "b");
                String token = method.equals("palp") ? "<palp-a>" : "<" + name + ">";
                List<Double> run = new ArrayList<>();
                List<PreviewFrame> frames = new ArrayList<>();
                ConceptTrainer.run(model, Requests.of(method, name, images, token, "dog", options, settings,
                        tmp.resolve("class-images")), tmp.resolve("w-" + name), false, tmp.resolve(name),
                        ProgressListener.NONE, new TrainingFeedback(s -> run.add(s.loss()), plan, frames::add),
                        CancelSignal.none());
                assertEquals(plan.count(), frames.size(), method + " shows its samples");
                losses.add(run);
            }
        }
        assertEquals(losses.get(0), losses.get(1), method + ": the same losses with samples as without");
    }

    @Test
    void aTornLastLineIsSkipped() throws Exception {
        Path file = tmp.resolve("h.jsonl");
        Files.writeString(file, "{\"step\":1,\"total\":2,\"loss\":0.5,\"lossAverage\":0.5,\"lr\":0.001}\n{\"step\":2,\"to");
        assertEquals(List.of(new TrainingStep(1, 2, 0.5, 0.5, 0.001)), TrainingHistory.read(file));
    }

    private static TrainingRequest request(String name, List<Path> images, TrainingOptions options) {
        return Requests.of("textual-inversion", name, images, "<" + name + ">", "dog", options, Map.of(), null);
    }
}
