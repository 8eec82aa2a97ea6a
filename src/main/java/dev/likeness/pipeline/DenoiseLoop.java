package dev.likeness.pipeline;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDScope;
import dev.likeness.engine.model.unet.UNet2DCondition;
import dev.likeness.engine.nn.BlockBoundary;
import dev.likeness.engine.rng.TorchGenerator;
import dev.likeness.engine.sched.Scheduler;
import java.util.Objects;

/**
 * The sampling loop: scale, predict with classifier-free guidance, step. Each step runs in its own NDScope so native
 * memory stays flat however many steps and images are made.
 */
public final class DenoiseLoop {
    /** Called around each step (attention processors that depend on the step read it here). */
    @FunctionalInterface
    public interface StepHook {
        StepHook NONE = (i, t) -> { };

        void beforeStep(int index, long timestep);

        /**
         * The latents step {@code index} produced. The loop owns them and closes them after the next step: copy (and
         * {@code NDScope.unregister} the copy) to keep them.
         */
        default void afterStep(int index, NDArray latents) { }
    }

    private final UNet2DCondition unet;

    public DenoiseLoop(UNet2DCondition unet) {
        this.unet = unet;
    }

    /** One guided noise prediction for the current latents. */
    public NDArray predict(NDArray latents, Scheduler sched, int i, Conditioning cond) {
        NDArray input = cond.guided() ? latents.concat(latents, 0) : latents;
        input = sched.scaleModelInput(input, i);
        NDArray t = latents.getManager().create(new float[] {sched.modelTimesteps()[i]});
        NDArray context = cond.unetContext();
        NDArray out = unet.forwardInference(input.toType(context.getDataType(), false), t, context)
                .toType(latents.getDataType(), false);
        if (!cond.guided()) {
            return out;
        }
        NDList parts = out.split(2, 0);
        NDArray uncond = parts.get(0);
        return uncond.add(parts.get(1).sub(uncond).mul(cond.guidance()));
    }

    /**
     * Runs steps {@code run.start()..end-1} with {@code run.scheduler()} and returns the final latents (the input
     * array is closed once replaced, unless it is the caller's own {@code latents}).
     */
    public NDArray run(NDArray latents, SampleRun run) {
        Scheduler sched = Objects.requireNonNull(run.scheduler(), "a SampleRun for DenoiseLoop needs a scheduler");
        TorchGenerator gen = run.generator() != null ? run.generator() : new TorchGenerator(0);
        long[] timesteps = sched.timesteps();
        int start = run.start();
        int total = run.progressTotal() > 0 ? run.progressTotal() : timesteps.length - start;
        CancelSignal cancel = run.cancel();
        NDArray current = latents;
        // the cancel is checked before each step and, through BlockBoundary, between the UNet's blocks
        try (BlockBoundary.Installed b = BlockBoundary.install(cancel::throwIfCancelled)) {
            for (int i = start; i < timesteps.length; i++) {
                cancel.throwIfCancelled();
                run.hook().beforeStep(i, timesteps[i]);
                int done = run.progressOffset() + i - start + 1;
                NDArray next;
                try (NDScope scope = new NDScope()) {
                    NDArray out = predict(current, sched, i, run.condAt().apply(i));
                    next = sched.step(out, i, current, gen);
                    NDScope.unregister(next);
                    if (run.preview().wants(done, total)) {
                        run.preview().show(done, total, sched, i, sched.scaleModelInput(current, i), out);
                    }
                }
                if (current != latents) {
                    current.close();
                }
                current = next;
                run.hook().afterStep(i, current);
                run.listener().onProgress(done, total, "denoising");
            }
        }
        return current;
    }
}
