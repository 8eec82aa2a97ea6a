package dev.likeness.methods;

import dev.likeness.pipeline.CancelSignal;
import dev.likeness.pipeline.ProgressListener;
import dev.likeness.pipeline.SdModel;
import dev.likeness.train.ReferenceImage;
import dev.likeness.train.TrainingMethod;
import java.io.IOException;
import java.util.List;

/**
 * One personalization method as the CLI, the server, the bench and {@code GET /api/v1/methods} see it: its names,
 * its typed settings record (bound strictly from JSON by {@link MethodSettings}), its defaults with their sources
 * and its trainer. Adding a method is a package with one implementation and one line in {@link MethodRegistry}.
 *
 * @param <S> the settings record; every component is a JSON option name
 */
public interface PersonalizationMethod<S extends Record> {
    /** The canonical name ("textual-inversion"); concepts record it. */
    String id();

    /** Other names the CLI and the API accept ("ti"). */
    List<String> aliases();

    String title();

    Class<S> settingsType();

    /** The defaults of every setting (a record instance: the one place they are written). */
    S defaults();

    /** Where each default comes from and what it does, by JSON name; one entry per record component (tested). */
    List<SettingDoc> docs();

    /** The loop's defaults for these settings (DreamBooth: LoRA and full fine-tune differ). */
    LoopDefaults loopDefaults(S settings);

    /** Checks the request before any work (e.g. a required class word); throws IllegalArgumentException. */
    default void validate(TrainingRequest request, S settings) {}

    /** How many of the request's images show the main subject (the concept keeps them as references). */
    default int mainImages(S settings, int images) {
        return images;
    }

    /** The trainer of one run; may do set-up work first (DreamBooth's class images), reporting progress. */
    TrainingMethod trainer(SdModel model, TrainingRequest request, S settings, List<ReferenceImage> images,
            ProgressListener listener, CancelSignal cancel) throws IOException;

    /** How this method's concepts are applied at generation, exported, and switched off for base-model steps. */
    ConceptAdapter concepts();

    /** The request's settings as this method's record. */
    default S settings(TrainingRequest request) {
        return settingsType().cast(request.settings());
    }
}
