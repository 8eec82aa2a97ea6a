package dev.likeness.pipeline;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDScope;
import dev.likeness.engine.model.unet.UNet2DCondition;
import dev.likeness.engine.nn.BlockBoundary;
import dev.likeness.engine.rng.TorchGenerator;
import dev.likeness.engine.sched.Scheduler;
import java.util.function.IntFunction;

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
        NDArray out = unet.forward(input.toType(context.getDataType(), false), t, context)
                .toType(latents.getDataType(), false);
        if (!cond.guided()) {
            return out;
        }
        NDList parts = out.split(2, 0);
        NDArray uncond = parts.get(0);
        return uncond.add(parts.get(1).sub(uncond).mul(cond.guidance()));
    }

    /**
     * Runs steps {@code start..end-1} and returns the final latents (the input array is closed once replaced, unless it
     * is the caller's own {@code latents}).
     */
    public NDArray run(NDArray latents, Scheduler sched, int start, Conditioning cond, TorchGenerator gen,
            StepHook hook, ProgressListener listener, CancelSignal cancel, int progressOffset, int progressTotal) {
        return run(latents, sched, start, i -> cond, gen, hook, listener, cancel, progressOffset, progressTotal);
    }

    /** {@link #run} with the conditioning chosen per step (Layout-and-Retouch switches prompts mid-run). */
    public NDArray run(NDArray latents, Scheduler sched, int start, IntFunction<Conditioning> condAt,
            TorchGenerator gen, StepHook hook, ProgressListener listener, CancelSignal cancel, int progressOffset,
            int progressTotal) {
        long[] timesteps = sched.timesteps();
        NDArray current = latents;
        // the cancel is checked before each step and, through BlockBoundary, between the UNet's blocks
        try (BlockBoundary.Installed b = BlockBoundary.install(cancel::throwIfCancelled)) {
            for (int i = start; i < timesteps.length; i++) {
                cancel.throwIfCancelled();
                hook.beforeStep(i, timesteps[i]);
                NDArray next;
                try (NDScope scope = new NDScope()) {
                    next = sched.step(predict(current, sched, i, condAt.apply(i)), i, current, gen);
                    NDScope.unregister(next);
                }
                if (current != latents) {
                    current.close();
                }
                current = next;
                hook.afterStep(i, current);
                listener.onProgress(progressOffset + i - start + 1, progressTotal, "denoising");
            }
        }
        return current;
    }
}
