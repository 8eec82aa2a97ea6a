package dev.likeness.methods.textualinversion;

import dev.likeness.methods.ConceptAdapter;
import dev.likeness.methods.LoopDefaults;
import dev.likeness.methods.PersonalizationMethod;
import dev.likeness.methods.TrainingRequest;
import dev.likeness.methods.SettingDoc;
import dev.likeness.pipeline.CancelSignal;
import dev.likeness.pipeline.ProgressListener;
import dev.likeness.pipeline.SdModel;
import dev.likeness.train.ReferenceImage;
import dev.likeness.train.TrainingMethod;
import java.util.List;

/** Textual Inversion (methods.md §1) in the registry. */
public final class TextualInversionMethod implements PersonalizationMethod<TextualInversionOptions> {
    @Override
    public String id() {
        return TextualInversion.METHOD;
    }

    @Override
    public List<String> aliases() {
        return List.of("ti", "textual_inversion");
    }

    @Override
    public String title() {
        return "Textual Inversion";
    }

    @Override
    public Class<TextualInversionOptions> settingsType() {
        return TextualInversionOptions.class;
    }

    @Override
    public TextualInversionOptions defaults() {
        return new TextualInversionOptions(null, 1, "object", true, true);
    }

    @Override
    public List<SettingDoc> docs() {
        return List.of(
                new SettingDoc("initWord", "paper §3 (a single-token coarse descriptor)",
                        "single-token word the vectors start from (default: the class word)"),
                new SettingDoc("vectors", "paper §5.3 (one vector edits best); diffusers --num_vectors 1",
                        "vectors per token"),
                new SettingDoc("templates", "diffusers imagenet_templates_small / imagenet_style_templates_small",
                        "caption templates: object or style"),
                new SettingDoc("flips", "diffusers flip_p 0.5, rinongal flip_p 0.5", "also train on mirrored images"),
                new SettingDoc("scaleLr", "rinongal main.py scale_lr True (lr = accumulation × batch × base lr)",
                        "multiply the learning rate by batch × gradient accumulation"));
    }

    @Override
    public LoopDefaults loopDefaults(TextualInversionOptions s) {
        return new LoopDefaults(3000, 5e-3, 1, 4, 0, 0, s.scaleLr(), "steps 3000, batch 1 × accumulation 4: "
                + "diffusers README (SD 1.5); base lr 5e-3 scaled by batch × accumulation: paper §3 and rinongal "
                + "v1-finetune.yaml (effective 0.02); weight decay 0: only the new rows train");
    }

    @Override
    public void validate(TrainingRequest req, TextualInversionOptions s) {
        if (s.initWord() == null && (req.classWord() == null || req.classWord().isBlank())) {
            throw new TrainingRequest.InvalidField("classWord", "Textual Inversion needs a class word (--class) or "
                    + "an initWord");
        }
    }

    @Override
    public TrainingMethod trainer(SdModel model, TrainingRequest req, TextualInversionOptions s,
            List<ReferenceImage> images, ProgressListener listener, CancelSignal cancel) {
        String token = req.token() != null ? req.token() : "<" + req.name() + ">";
        String init = s.initWord() != null ? s.initWord() : req.classWord();
        return new TextualInversion(model, new TextualInversionConfig(token, init, s.vectors(), s.templates(),
                s.flips()), images);
    }

    @Override
    public ConceptAdapter concepts() {
        return new TextualInversionConcepts();
    }
}
