package dev.likeness.api;

import dev.likeness.methods.ConceptApplier;
import dev.likeness.methods.LoopSettings;
import dev.likeness.methods.MethodRegistry;
import dev.likeness.methods.TrainingRequest;
import dev.likeness.methods.ConceptTrainer;
import dev.likeness.util.Json;
import dev.likeness.pipeline.CancelSignal;
import dev.likeness.pipeline.GeneratedImage;
import dev.likeness.pipeline.GenerationRequest;
import dev.likeness.pipeline.ModelInfo;
import dev.likeness.pipeline.SdModel;
import dev.likeness.pipeline.StableDiffusion;
import dev.likeness.pipeline.preview.PreviewSink;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** An open model. Not safe for concurrent calls: one generation or training run at a time. Close it to free it. */
public final class LikenessModel implements AutoCloseable {
    private final SdModel model;
    private final StableDiffusion pipeline;

    LikenessModel(SdModel model) {
        this.model = model;
        this.pipeline = new StableDiffusion(model, (m, ref) -> ConceptApplier.apply(m, Path.of(ref)));
    }

    public ModelInfo info() {
        return model.info();
    }

    /** Width and height in pixels a generation without a size gets. */
    public int nativeSize() {
        return model.info().nativeSize();
    }

    public List<Picture> generate(Generation g) {
        return generate(g, Progress.NONE, null);
    }

    public List<Picture> generate(Generation g, Progress progress) {
        return generate(g, progress, null);
    }

    public List<Picture> generate(Generation g, Progress progress, @Nullable CancelToken cancel) {
        return generate(g, progress, cancel, PreviewListener.NONE);
    }

    /** {@link #generate(Generation, Progress, CancelToken)} with live previews of the sampling. */
    public List<Picture> generate(Generation g, Progress progress, @Nullable CancelToken cancel,
            PreviewListener previews) {
        int w = g.width() != null ? g.width() : nativeSize();
        int h = g.height() != null ? g.height() : nativeSize();
        GenerationRequest req = new GenerationRequest(g.prompt(), g.negativePrompt(), g.seed(), g.steps(),
                g.guidance(), g.sampler(), w, h, g.count(), null, 0.8f, g.concepts());
        CancelSignal signal = cancel == null ? CancelSignal.none() : cancel.signal;
        try {
            PreviewSink sink = previews == PreviewListener.NONE ? PreviewSink.NONE : f -> previews.onPreview(
                    new PreviewImage(f.step(), f.total(), f.image(), f.width(), f.height(), f.png()));
            return pipeline.generate(req, progress::onProgress, signal, sink).stream().map(LikenessModel::picture)
                    .toList();
        } catch (CancelSignal.CancelledException e) {
            throw new CancelledException(e);
        } catch (UncheckedIOException e) {
            throw new LikenessException(e.getCause().getMessage(), e);
        }
    }

    /**
     * Trains a concept into {@code folder} (which must not exist), checkpointing into a hidden folder beside it:
     * after an interruption, the same call with {@code resume} continues exactly where it stopped.
     */
    public TrainedConcept train(Training t, Path folder, Progress progress, @Nullable CancelToken cancel,
            boolean resume) {
        Path target = folder.toAbsolutePath();
        Path work = target.resolveSibling("." + target.getFileName() + ".training");
        LoopSettings loop = new LoopSettings(t.steps(), t.learningRate(), null, null, null, null, null, null, null);
        CancelSignal signal = cancel == null ? CancelSignal.none() : cancel.signal;
        try {
            TrainingRequest req = MethodRegistry.standard().request(t.method(), t.name(), t.images(), List.of(),
                    t.token(), t.classWord(), loop, t.seed(), 100, Json.MAPPER.valueToTree(t.settings()), null);
            ConceptTrainer.Outcome out = ConceptTrainer.run(model, req, work, resume, target, progress::onProgress,
                    signal);
            dev.likeness.util.FileTrees.deleteTree(work);
            return new TrainedConcept(target, out.concept().token(), out.concept().method(), out.evalLossBefore(),
                    out.evalLossAfter());
        } catch (CancelSignal.CancelledException e) {
            throw new CancelledException(e);
        } catch (IllegalArgumentException e) {
            throw new LikenessException(e.getMessage(), e);
        } catch (IOException e) {
            throw failure(e);
        }
    }

    public TrainedConcept train(Training t, Path folder) {
        return train(t, folder, Progress.NONE, null, false);
    }

    private static Picture picture(GeneratedImage g) {
        return new Picture(g.image(), g.seed(), g.metadata());
    }

    SdModel engineModel() {
        return model;
    }

    @Override
    public void close() {
        model.close();
    }

    static LikenessException failure(IOException e) {
        return new LikenessException(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage(), e);
    }
}
