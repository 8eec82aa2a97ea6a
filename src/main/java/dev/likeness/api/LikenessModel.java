package dev.likeness.api;

import dev.likeness.concepts.ConceptApplier;
import dev.likeness.pipeline.CancelSignal;
import dev.likeness.pipeline.GeneratedImage;
import dev.likeness.pipeline.GenerationRequest;
import dev.likeness.pipeline.ModelInfo;
import dev.likeness.pipeline.SdModel;
import dev.likeness.pipeline.StableDiffusion;
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
        int w = g.width() != null ? g.width() : nativeSize();
        int h = g.height() != null ? g.height() : nativeSize();
        GenerationRequest req = new GenerationRequest(g.prompt(), g.negativePrompt(), g.seed(), g.steps(),
                g.guidance(), g.sampler(), w, h, g.count(), null, 0.8f, g.concepts());
        CancelSignal signal = cancel == null ? CancelSignal.none() : cancel.signal;
        try {
            return pipeline.generate(req, progress::onProgress, signal).stream().map(LikenessModel::picture).toList();
        } catch (CancelSignal.CancelledException e) {
            throw new CancelledException(e);
        } catch (UncheckedIOException e) {
            throw new LikenessException(e.getCause().getMessage(), e);
        }
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
