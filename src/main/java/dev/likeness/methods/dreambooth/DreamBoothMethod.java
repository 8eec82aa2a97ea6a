package dev.likeness.methods.dreambooth;

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

/** DreamBooth and DreamBooth-LoRA (methods.md §2) in the registry. */
public final class DreamBoothMethod implements PersonalizationMethod<DreamBoothOptions> {
    @Override
    public String id() {
        return DreamBooth.METHOD;
    }

    @Override
    public List<String> aliases() {
        return List.of("db");
    }

    @Override
    public String title() {
        return "DreamBooth";
    }

    @Override
    public Class<DreamBoothOptions> settingsType() {
        return DreamBoothOptions.class;
    }

    @Override
    public DreamBoothOptions defaults() {
        return new DreamBoothOptions(0, null, 1f, null, DreamBoothConfig.CLASS_IMAGES_PER_IMAGE, 50, 7.5f,
                DreamBoothConfig.INSTANCE_PROMPT, DreamBoothConfig.CLASS_PROMPT, false, false, null);
    }

    @Override
    public List<SettingDoc> docs() {
        return List.of(
                new SettingDoc("loraRank", "ours: the plug-ins train rank 8 so the server's model stays shared",
                        "0 fine-tunes the whole UNet; else LoRA of this rank on to_q/to_k/to_v/to_out.0"),
                new SettingDoc("loraAlpha", "diffusers train_dreambooth_lora (alpha = rank)", "LoRA alpha"),
                new SettingDoc("priorWeight", "paper §3.3 (λ = 1); diffusers --prior_loss_weight 1.0",
                        "weight of the class-prior loss; 0 turns prior preservation off"),
                new SettingDoc("classImages", "paper ~1,000 (\"but less can be used\"); diffusers "
                        + "--num_class_images 100 (README 200)", "class images (default: classImagesPerImage × images)"),
                new SettingDoc("classImagesPerImage", "ours: 200 × 5 images = the paper's ~1,000",
                        "class images per instance image"),
                new SettingDoc("classSteps", "diffusers pipeline default 50", "denoising steps per class image"),
                new SettingDoc("classGuidance", "diffusers pipeline default 7.5", "CFG of the class images"),
                new SettingDoc("instancePrompt", "diffusers README \"a photo of sks dog\" (paper \"a [V] dog\")",
                        "caption of the instance images"),
                new SettingDoc("classPrompt", "diffusers README \"a photo of dog\" (paper \"a dog\")",
                        "caption of the class images"),
                new SettingDoc("trainTextEncoder", "diffusers --train_text_encoder off", "full fine-tune only"),
                new SettingDoc("flips", "diffusers: no flips in DreamBoothDataset", "also train on mirrored images"),
                new SettingDoc("identifier", "paper §3.2 (a rare token); ours: picked from --seed",
                        "the rare identifier word"));
    }

    @Override
    public LoopDefaults loopDefaults(DreamBoothOptions s) {
        return s.loraRank() > 0
                ? new LoopDefaults(800, 1e-4, 1, 1, 1e-2, 1.0, false, "diffusers train_dreambooth_lora README: "
                        + "lr 1e-4, batch 1; 800 steps with prior (train_dreambooth README); AdamW wd 1e-2, clip 1.0")
                : new LoopDefaults(800, 2e-6, 1, 1, 1e-2, 1.0, false, "diffusers train_dreambooth README with prior "
                        + "preservation: 800 steps, batch 1; lr 2e-6 (HF experiments; paper 5e-6); wd 1e-2, clip 1.0");
    }

    @Override
    public void validate(TrainingRequest req, DreamBoothOptions s) {
        if (req.classWord() == null || req.classWord().isBlank()) {
            throw new TrainingRequest.InvalidField("classWord", "DreamBooth needs the subject's class word (--class), "
                    + "e.g. dog");
        }
    }

    @Override
    public TrainingMethod trainer(SdModel model, TrainingRequest req, DreamBoothOptions s,
            List<ReferenceImage> images, ProgressListener listener, CancelSignal cancel) throws IOException {
        return DreamBoothSetup.create(model, req, images, listener, cancel);
    }

    @Override
    public ConceptAdapter concepts() {
        return new DreamBoothConcepts();
    }
}
