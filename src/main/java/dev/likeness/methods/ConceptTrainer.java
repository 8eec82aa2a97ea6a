package dev.likeness.methods;

import com.fasterxml.jackson.databind.JsonNode;
import dev.likeness.concepts.ConceptManifest;
import dev.likeness.concepts.ConceptReferences;
import dev.likeness.pipeline.CancelSignal;
import dev.likeness.pipeline.ProgressListener;
import dev.likeness.pipeline.SdModel;
import dev.likeness.train.ReferenceImage;
import dev.likeness.train.TrainingCheckpoint;
import dev.likeness.train.TrainingHistory;
import dev.likeness.train.TrainingLoop;
import dev.likeness.train.TrainingMethod;
import dev.likeness.train.TrainingObserver;
import dev.likeness.util.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/** Runs a personalization method end to end: images → training (resumable) → a concept folder. */
public final class ConceptTrainer {
    /** What a finished run reports. */
    public record Outcome(ConceptManifest concept, double evalLossBefore, double evalLossAfter, int firstStep) {}

    /** The live loss history's name in the work folder. */
    public static final String HISTORY = "training.jsonl";
    /** The sample images' folder in the work folder. */
    public static final String SAMPLES = "samples";
    /** Where a concept keeps its training samples ({@code step-000100.png}, ...). */
    public static final String CONCEPT_SAMPLES = "training/samples";
    private static final long EVAL_SEED = 1_000_003L;

    private ConceptTrainer() {}

    /**
     * @param workDir checkpoints live here (kept until the concept is written)
     * @param outDir  the concept folder to create; must not exist yet
     */
    public static Outcome run(SdModel model, TrainingRequest req, Path workDir, boolean resume, Path outDir,
            ProgressListener listener, CancelSignal cancel) throws IOException {
        return run(MethodRegistry.standard(), model, req, workDir, resume, outDir, listener, TrainingFeedback.NONE,
                cancel);
    }

    /** The same, reporting each step's loss and learning rate to {@code observer}. */
    public static Outcome run(SdModel model, TrainingRequest req, Path workDir, boolean resume, Path outDir,
            ProgressListener listener, TrainingObserver observer, CancelSignal cancel) throws IOException {
        return run(MethodRegistry.standard(), model, req, workDir, resume, outDir, listener,
                TrainingFeedback.of(observer), cancel);
    }

    /** The same with training feedback: step reports and sample images. */
    public static Outcome run(SdModel model, TrainingRequest req, Path workDir, boolean resume, Path outDir,
            ProgressListener listener, TrainingFeedback feedback, CancelSignal cancel) throws IOException {
        return run(MethodRegistry.standard(), model, req, workDir, resume, outDir, listener, feedback, cancel);
    }

    /**
     * The same with the methods of {@code registry} (a test registers one of its own). The loss history goes to
     * {@code workDir}/{@value #HISTORY} as it runs and the samples to {@code workDir}/{@value #SAMPLES} (a resumed
     * run keeps those of the steps before its checkpoint); the concept keeps both under {@code training/}.
     */
    public static Outcome run(MethodRegistry registry, SdModel model, TrainingRequest req, Path workDir,
            boolean resume, Path outDir, ProgressListener listener, TrainingFeedback feedback, CancelSignal cancel)
            throws IOException {
        if (Files.exists(outDir)) {
            throw new IOException("concept already exists: " + outDir);
        }
        int size = model.unet().config().sampleSize() * model.vaeScale();
        List<ReferenceImage> images = new ArrayList<>();
        for (Path p : req.images()) {
            images.add(ReferenceImage.load(p, size));
        }
        try (TrainingMethod method = create(registry, model, req, images, listener, cancel)) {
            double before = method.evalLoss(EVAL_SEED, 2);
            int resumedAt = resume && workDir != null && TrainingCheckpoint.exists(workDir)
                    ? TrainingCheckpoint.step(workDir) : 0;
            Path feedbackDir = workDir != null ? workDir : outDir.toAbsolutePath().getParent()
                    .resolve("." + outDir.getFileName() + ".history");
            TrainingHistory history = TrainingHistory.open(feedbackDir.resolve(HISTORY), resumedAt);
            Path samplesDir = feedbackDir.resolve(SAMPLES);
            for (Path p : TrainingSamples.files(samplesDir)) { // those past the checkpoint are made again
                if (TrainingSamples.step(p) > resumedAt) {
                    Files.delete(p);
                }
            }
            TrainingSamples samples = new TrainingSamples(model, method, feedback.samples(), samplesDir,
                    feedback.sampleSink());
            TrainingLoop.Result result = new TrainingLoop(method, req.options()).run(workDir, resume,
                    fingerprint(model, req), listener, history.andThen(feedback.steps()).andThen(samples),
                    history.losses(), cancel);
            double after = method.evalLoss(EVAL_SEED, 2);
            Files.createDirectories(outDir.toAbsolutePath().getParent());
            Path staged = Files.createTempDirectory(outDir.toAbsolutePath().getParent(), "." + outDir.getFileName());
            method.saveConcept(staged, req.name());
            recordMethod(staged, req.method());
            Files.createDirectories(staged.resolve(TrainingHistory.CONCEPT_FILE).getParent());
            Files.copy(history.file(), staged.resolve(TrainingHistory.CONCEPT_FILE));
            for (Path p : TrainingSamples.files(samplesDir)) {
                Files.createDirectories(staged.resolve(CONCEPT_SAMPLES));
                Files.copy(p, staged.resolve(CONCEPT_SAMPLES).resolve(p.getFileName().toString()));
            }
            if (workDir == null) {
                dev.likeness.util.FileTrees.deleteTree(feedbackDir);
            }
            // Layout-and-Retouch paints the (main) subject from them
            ConceptReferences.store(staged, req.images().subList(0, mainImages(registry, req)));
            Files.move(staged, outDir, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            return new Outcome(ConceptManifest.read(outDir), before, after, result.firstStep());
        }
    }

    /**
     * The concept records the registry's id of the method that trained it, so its {@link ConceptAdapter} applies it
     * (a method may reuse another's trainer, which writes its own id).
     */
    private static void recordMethod(Path concept, String method) throws IOException {
        ConceptManifest m = ConceptManifest.read(concept);
        if (!m.method().equals(method)) {
            new ConceptManifest(m.name(), method, m.token(), m.classWord(), m.modelFamily(), m.created(), m.details())
                    .write(concept);
        }
    }

    /** The method's trainer; DreamBooth first generates (or finds cached) its class images, reporting progress. */
    public static TrainingMethod create(SdModel model, TrainingRequest req, List<ReferenceImage> images,
            ProgressListener listener, CancelSignal cancel) throws IOException {
        return create(MethodRegistry.standard(), model, req, images, listener, cancel);
    }

    public static TrainingMethod create(MethodRegistry registry, SdModel model, TrainingRequest req,
            List<ReferenceImage> images, ProgressListener listener, CancelSignal cancel) throws IOException {
        return trainer(registry.find(req.method()), model, req, images, listener, cancel);
    }

    private static <S extends Record> TrainingMethod trainer(PersonalizationMethod<S> m, SdModel model,
            TrainingRequest req, List<ReferenceImage> images, ProgressListener listener, CancelSignal cancel)
            throws IOException {
        return m.trainer(model, req, m.settings(req), images, listener, cancel);
    }

    private static int mainImages(MethodRegistry registry, TrainingRequest req) {
        return main(registry.find(req.method()), req);
    }

    private static <S extends Record> int main(PersonalizationMethod<S> m, TrainingRequest req) {
        return m.mainImages(m.settings(req), req.images().size());
    }

    /** The training step a sample of {@link #samples} was made at. */
    public static int sampleStep(Path sample) {
        return TrainingSamples.step(sample);
    }

    /** A concept's training samples in step order (empty for one trained without them). */
    public static List<Path> samples(Path concept) throws IOException {
        return TrainingSamples.files(concept.resolve(CONCEPT_SAMPLES));
    }

    /** Identifies a run's settings so a checkpoint is only resumed by the same run. */
    static String fingerprint(SdModel model, TrainingRequest req) throws IOException {
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            JsonNode settings = Json.MAPPER.valueToTree(new Object[] {model.info().path(), req.method(), req.token(),
                    req.classWord(), req.options(), req.settings(), req.masks().stream().map(Path::toString).toList()});
            d.update(settings.toString().getBytes(StandardCharsets.UTF_8));
            for (Path p : req.images()) {
                d.update(Files.readAllBytes(p));
            }
            return HexFormat.of().formatHex(d.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
