package dev.likeness.pipeline.layoutretouch;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.likeness.engine.rng.Noise;
import dev.likeness.engine.rng.TorchGenerator;
import dev.likeness.pipeline.Applied;
import dev.likeness.pipeline.CancelSignal;
import dev.likeness.pipeline.ConceptSwitch;
import dev.likeness.pipeline.Conditioning;
import dev.likeness.pipeline.DenoiseLoop;
import dev.likeness.pipeline.GenerationRequest;
import dev.likeness.pipeline.LatentTrajectory;
import dev.likeness.pipeline.PromptEncoder;
import dev.likeness.pipeline.SampleRun;
import dev.likeness.pipeline.SdModel;
import dev.likeness.pipeline.StableDiffusion;
import java.util.List;

/**
 * Stage 1 of Layout-and-Retouch (methods.md §5.1): the first {@code layoutSteps} DDIM steps run the base model on
 * the class prompt (the concept's token replaced by its class word), the rest the personalized model on the full
 * prompt; classifier-free guidance in both, each with its own model. Few layout steps keep the concept's identity,
 * many give the base model's variety of layouts. The whole latent trajectory is kept for stage 2.
 */
public final class StepBlendedSampler {
    /** The stage-1 image, (1, 3, h, w) in [0, 1], and the latents it was sampled through. */
    public record Layout(NDArray pixels, LatentTrajectory trajectory) implements AutoCloseable {
        @Override
        public void close() {
            trajectory.close();
        }
    }

    private final StableDiffusion sd;
    private final PromptEncoder prompts;

    public StepBlendedSampler(StableDiffusion sd) {
        this.sd = sd;
        this.prompts = new PromptEncoder(sd.model());
    }

    /**
     * @param req          prompt (naming the concept), negative prompt, steps, guidance, size; its sampler is
     *                     ignored (DDIM: stage 2 replays this trajectory on the DDIM schedule)
     * @param layoutSteps  λ₁, steps with the base model (0: plain personalized sampling; all: plain base sampling)
     */
    public Layout sample(GenerationRequest req, RetouchSubject concept, int layoutSteps, long seed, NDManager m,
            StableDiffusion.Progress progress, CancelSignal cancel) {
        return sample(req, RetouchSubjects.of(concept), layoutSteps, seed, m, progress, cancel);
    }

    /** Stage 1 for a prompt naming several concepts: the base-model steps have all of them off. */
    public Layout sample(GenerationRequest req, RetouchSubjects subjects, int layoutSteps, long seed, NDManager m,
            StableDiffusion.Progress progress, CancelSignal cancel) {
        ConceptSwitch weights = subjects.weights();
        if (layoutSteps < 0 || layoutSteps > req.steps()) {
            throw new IllegalArgumentException("layout steps must be between 0 and " + req.steps() + ", got "
                    + layoutSteps);
        }
        SdModel model = sd.model();
        Conditioning base = null;
        if (layoutSteps > 0) {
            try (Applied off = weights.switchedOff()) {
                base = encode(subjects.classPrompt(req.prompt()), req, m);
            }
        }
        // through the model's hooks, last: a Perfusion concept edits these text states alone
        Conditioning personal = layoutSteps < req.steps() ? sd.conditioning(req, m) : null;
        int f = model.vaeScale();
        Shape shape = new Shape(1, model.unet().config().inChannels(), req.height() / f, req.width() / f);
        LatentTrajectory trajectory = new LatentTrajectory(req.steps(), 0);
        try {
            NDArray noise = Noise.randn(new TorchGenerator(seed), m, shape);
            trajectory.put(0, noise);
            Conditioning baseCond = base;
            Conditioning personalCond = personal;
            DenoiseLoop.StepHook hook = new DenoiseLoop.StepHook() {
                @Override
                public void beforeStep(int index, long timestep) {
                    weights.setActive(index >= layoutSteps);
                }

                @Override
                public void afterStep(int index, NDArray latents) {
                    trajectory.put(index + 1, latents);
                }
            };
            NDArray out;
            try (Applied restored = () -> weights.setActive(true)) {
                out = sd.sampleLatents(ddim(req), seed, noise, null, m,
                        SampleRun.of(i -> i < layoutSteps ? baseCond : personalCond).withSampler("ddim")
                                .withHook(hook).withProgress(progress).withCancel(cancel));
            }
            try {
                return new Layout(sd.decode(out), trajectory);
            } finally {
                out.close(); // the trajectory holds its own copy
            }
        } catch (RuntimeException e) {
            trajectory.close();
            throw e;
        }
    }

    private Conditioning encode(String prompt, GenerationRequest req, NDManager m) {
        NDArray cond = prompts.encode(prompt, m);
        NDArray uncond = req.guidance() > 1 ? prompts.encode(req.negativePrompt(), m) : null;
        return new Conditioning(uncond, cond, req.guidance());
    }

    static GenerationRequest ddim(GenerationRequest r) {
        return r.withSampler("ddim").withCount(1).withoutInitImage().withConcepts(List.of());
    }
}
