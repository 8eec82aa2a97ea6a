package dev.likeness.methods.perfusion;

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
import java.io.IOException;
import java.util.List;

/** Perfusion (methods.md §3) in the registry. */
public final class PerfusionMethod implements PersonalizationMethod<PerfusionOptions> {
    @Override
    public String id() {
        return Perfusion.METHOD;
    }

    @Override
    public List<String> aliases() {
        return List.of();
    }

    @Override
    public String title() {
        return "Perfusion";
    }

    @Override
    public Class<PerfusionOptions> settingsType() {
        return PerfusionOptions.class;
    }

    @Override
    public PerfusionOptions defaults() {
        return new PerfusionOptions("object", true, PerfusionConfig.TRAIN_BETA, PerfusionConfig.TRAIN_TAU,
                PerfusionConfig.EMA);
    }

    @Override
    public List<SettingDoc> docs() {
        String ref = "ChenDarYen/Key-Locked-Rank-One-Editing perfusion_teddy.yaml";
        return List.of(
                new SettingDoc("templates", "reference dataset templates (object)", "object or style captions"),
                new SettingDoc("flips", "reference dataset (flip_p 0.5)", "also train on mirrored images"),
                new SettingDoc("beta", ref + " (0.75)", "gate bias while training"),
                new SettingDoc("tau", ref + " (0.1)", "gate temperature while training"),
                new SettingDoc("ema", ref + " (0.99)", "decay of the running average i*"));
    }

    @Override
    public LoopDefaults loopDefaults(PerfusionOptions s) {
        return new LoopDefaults(Perfusion.DEFAULT_STEPS, Perfusion.VALUE_LR, 4, 4, 0, 0, false,
                "perfusion_teddy.yaml: 400 steps, batch 4 × accumulation 4, lr 0.03 for o*_V and 0.006 for the "
                        + "embedding");
    }

    @Override
    public void validate(TrainingRequest req, PerfusionOptions s) {
        if (req.classWord() == null || req.classWord().isBlank()) {
            throw new TrainingRequest.InvalidField("classWord", "Perfusion needs the subject's class word (--class), "
                    + "e.g. teddy");
        }
    }

    @Override
    public TrainingMethod trainer(SdModel model, TrainingRequest req, PerfusionOptions s,
            List<ReferenceImage> images, ProgressListener listener, CancelSignal cancel) throws IOException {
        return PerfusionSetup.create(model, req, images);
    }

    @Override
    public ConceptAdapter concepts() {
        return new PerfusionConcepts();
    }
}
