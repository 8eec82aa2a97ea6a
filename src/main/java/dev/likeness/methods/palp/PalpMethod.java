package dev.likeness.methods.palp;

import dev.likeness.methods.ConceptAdapter;
import dev.likeness.methods.LoopDefaults;
import dev.likeness.methods.PersonalizationMethod;
import dev.likeness.methods.MethodSettings;
import dev.likeness.methods.TrainingRequest;
import dev.likeness.methods.SettingDoc;
import dev.likeness.pipeline.CancelSignal;
import dev.likeness.pipeline.ProgressListener;
import dev.likeness.pipeline.SdModel;
import dev.likeness.train.ReferenceImage;
import dev.likeness.train.TrainingMethod;
import java.util.List;

/** PALP (methods.md §4) in the registry. */
public final class PalpMethod implements PersonalizationMethod<PalpOptions> {
    @Override
    public String id() {
        return Palp.METHOD;
    }

    @Override
    public List<String> aliases() {
        return List.of();
    }

    @Override
    public String title() {
        return "PALP";
    }

    @Override
    public Class<PalpOptions> settingsType() {
        return PalpOptions.class;
    }

    @Override
    public PalpOptions defaults() {
        return new PalpOptions(null, false, 32, null, null, 1.0, null, null, null, 0);
    }

    @Override
    public List<SettingDoc> docs() {
        return List.of(
                new SettingDoc("targetPrompt", "paper §3 (one target prompt per concept)", "required"),
                new SettingDoc("composition", "paper appendix C (composition: α 7.5, β 1)", "the composition preset"),
                new SettingDoc("loraRank", "paper appendix C (rank 32)", "LoRA rank"),
                new SettingDoc("teacherGuidance", "paper appendix C (α 15)", "CFG of the frozen teacher"),
                new SettingDoc("studentGuidance", "paper appendix C (β 7.5)", "CFG of the student"),
                new SettingDoc("palpWeight", "paper Eq. 7 (L_P and the term with equal per-element weight)",
                        "λ of the prompt-aligned term"),
                new SettingDoc("secondToken", "paper §4.3.5 (multi-subject)", "a second subject's placeholder"),
                new SettingDoc("secondClass", "paper §4.3.5", "its class word"),
                new SettingDoc("secondPrompt", "paper §4.3.5 (\"an oil painting of [V]\" for art)",
                        "its personalization prompt"),
                new SettingDoc("secondImages", "ours", "how many of the images, at the end, show it"));
    }

    @Override
    public LoopDefaults loopDefaults(PalpOptions s) {
        return new LoopDefaults(500, 5e-5, 4, 8, 1e-2, 1.0, false, "paper appendix C: 500 steps, lr 5e-5, "
                + "global batch 32 (here 4 × accumulation 8); AdamW wd 1e-2 and clip 1.0 as diffusers' scripts");
    }

    @Override
    public void validate(TrainingRequest req, PalpOptions s) {
        if (req.classWord() == null || req.classWord().isBlank()) {
            throw new TrainingRequest.InvalidField("classWord", "PALP needs the subject's class word (--class)");
        }
        if (s.targetPrompt() == null || s.targetPrompt().isBlank()) {
            throw new MethodSettings.BadSetting("targetPrompt", "PALP needs the target prompt (--prompt / "
                    + "targetPrompt)");
        }
        mainImages(s, req.images().isEmpty() ? Integer.MAX_VALUE : req.images().size());
        boolean named = s.secondToken() != null && !s.secondToken().isBlank();
        if (s.secondImages() > 0 && (!named || s.secondClass() == null || s.secondClass().isBlank())) {
            throw new MethodSettings.BadSetting("secondToken", "a second subject needs secondToken and secondClass");
        }
        if (s.secondImages() == 0 && named) {
            throw new MethodSettings.BadSetting("secondImages", "a second subject needs its images (secondImages > 0:"
                    + " how many of the images, at the end, show it)");
        }
    }

    @Override
    public int mainImages(PalpOptions s, int images) {
        if (s.secondImages() < 0 || s.secondImages() >= images) {
            throw new MethodSettings.BadSetting("secondImages", "secondImages must leave at least one image for the main subject "
                    + "(0 to " + (images - 1) + ")");
        }
        return images - s.secondImages();
    }

    @Override
    public TrainingMethod trainer(SdModel model, TrainingRequest req, PalpOptions s, List<ReferenceImage> images,
            ProgressListener listener, CancelSignal cancel) {
        return PalpSetup.create(model, req, images);
    }

    @Override
    public ConceptAdapter concepts() {
        return new PalpConcepts();
    }
}
