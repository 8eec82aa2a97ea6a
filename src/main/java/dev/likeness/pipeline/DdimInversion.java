package dev.likeness.pipeline;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.likeness.engine.sched.DdimScheduler;
import dev.likeness.engine.sched.SchedulerConfig;
import dev.likeness.engine.sched.Schedulers;

/**
 * DDIM inversion (methods.md §0.2): runs the deterministic DDIM update upwards, from clean latents to the noise
 * level of a chosen step, predicting with the model at each step's timestep. The result is the whole trajectory, so
 * a later run can replay an image's noisy versions step by step (Layout-and-Retouch's context and reference
 * branches) or start sampling from any of them.
 */
public final class DdimInversion {
    private final SdModel model;
    private final DenoiseLoop loop;

    public DdimInversion(SdModel model) {
        this.model = model;
        this.loop = new DenoiseLoop(model.unet());
    }

    /**
     * A DDIM run of the model's schedule. {@code clipSample} false is the img2img convention, for runs that start
     * from encoded images (their latents exceed [-1, 1]); true keeps the model's own setting (txt2img).
     */
    public static DdimScheduler scheduler(SdModel model, int steps, boolean clipSample) {
        JsonNode config = model.schedulerConfig();
        if (!clipSample) {
            ObjectNode c = config.deepCopy();
            c.put("clip_sample", false);
            config = c;
        }
        return (DdimScheduler) Schedulers.create("ddim", SchedulerConfig.parse(config), steps);
    }

    /**
     * Inverts {@code clean} (scaled latents, (1, 4, h, w)) to step {@code first} of a {@code steps}-step DDIM
     * schedule.
     *
     * @param cond the text states to predict with (an empty prompt, usually unguided)
     * @return the trajectory from {@code first} to {@code steps} (the caller closes it)
     */
    public LatentTrajectory invert(NDArray clean, Conditioning cond, int steps, int first,
            StableDiffusion.Progress progress, CancelSignal cancel) {
        return invert(clean, cond, steps, first, 0, progress, cancel);
    }

    /**
     * {@link #invert} with {@code refinements} fixed-point iterations per step: the prediction is evaluated again
     * at the latent just found instead of at the lower one, which makes the DDIM step from the result land closer on
     * the lower latent (exact at convergence), for one more UNet call per iteration.
     */
    public LatentTrajectory invert(NDArray clean, Conditioning cond, int steps, int first, int refinements,
            StableDiffusion.Progress progress, CancelSignal cancel) {
        DdimScheduler sched = scheduler(model, steps, false); // inversion never clips
        LatentTrajectory out = new LatentTrajectory(steps, first);
        try {
            out.put(steps, clean);
            NDArray current = out.clean();
            int done = 0;
            for (int i = steps - 1; i >= first; i--) {
                cancel.throwIfCancelled();
                try (NDScope scope = new NDScope()) {
                    NDArray upper = sched.invert(loop.predict(current, sched, i, cond), i, current);
                    for (int k = 0; k < refinements; k++) {
                        upper = sched.invert(loop.predict(upper, sched, i, cond), i, current);
                    }
                    out.put(i, upper);
                }
                current = out.at(i);
                progress.listener().onProgress(progress.offset() + ++done, progress.total(), "inverting");
            }
            return out;
        } catch (RuntimeException e) {
            out.close();
            throw e;
        }
    }
}
