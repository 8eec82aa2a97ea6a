package dev.likeness.methods.testonly;

import dev.likeness.methods.EmbeddingConcepts;
import dev.likeness.methods.ConceptAdapter;
import dev.likeness.methods.LoopDefaults;
import dev.likeness.methods.PersonalizationMethod;
import dev.likeness.methods.TrainingRequest;
import dev.likeness.methods.SettingDoc;
import dev.likeness.methods.textualinversion.TextualInversion;
import dev.likeness.methods.textualinversion.TextualInversionConfig;
import dev.likeness.pipeline.CancelSignal;
import dev.likeness.pipeline.ProgressListener;
import dev.likeness.pipeline.SdModel;
import dev.likeness.train.ReferenceImage;
import dev.likeness.train.TrainingMethod;
import java.util.List;

/** A method that exists only in the tests: one package and one {@code registry.with(...)} line make it usable. */
public final class OneVectorMethod implements PersonalizationMethod<OneVectorMethod.Settings> {
    /** @param templates object or style */
    public record Settings(String templates) {}

    @Override
    public String id() {
        return "one-vector";
    }

    @Override
    public List<String> aliases() {
        return List.of("ov");
    }

    @Override
    public String title() {
        return "One vector (test only)";
    }

    @Override
    public Class<Settings> settingsType() {
        return Settings.class;
    }

    @Override
    public Settings defaults() {
        return new Settings("object");
    }

    @Override
    public List<SettingDoc> docs() {
        return List.of(new SettingDoc("templates", "test", "caption templates"));
    }

    @Override
    public LoopDefaults loopDefaults(Settings s) {
        return new LoopDefaults(2, 1e-2, 1, 1, 0, 0, false, "test");
    }

    @Override
    public TrainingMethod trainer(SdModel model, TrainingRequest req, Settings s, List<ReferenceImage> images,
            ProgressListener listener, CancelSignal cancel) {
        return new TextualInversion(model, new TextualInversionConfig("<" + req.name() + ">", req.classWord(), 1,
                s.templates(), false), images);
    }

    /** Its concepts are token vectors, applied like Textual Inversion's; no export. */
    @Override
    public ConceptAdapter concepts() {
        return (model, concept, manifest, options) ->
                EmbeddingConcepts.apply(model, concept.resolve("embeddings.safetensors"), manifest.token());
    }
}
