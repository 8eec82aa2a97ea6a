package dev.likeness.pipeline;

import ai.djl.ndarray.NDArray;
import dev.likeness.engine.sched.Scheduler;

/**
 * Live previews of a sampling run. The loop asks {@link #wants} after each step, so a throttled preview costs
 * nothing on the steps it skips, and hands over what x̂₀ is predicted from.
 */
public interface StepPreview {
    StepPreview NONE = new StepPreview() {
        @Override
        public boolean wants(int step, int total) {
            return false;
        }

        @Override
        public void show(int step, int total, Scheduler sched, int index, NDArray modelInput, NDArray modelOutput) { }
    };

    /** Whether step {@code step} of {@code total} (1-based, of the whole request) gets a preview. */
    boolean wants(int step, int total);

    /**
     * Shows the run at step {@code index}: {@code modelInput} is the latents as the UNet saw them (scaled by the
     * scheduler), {@code modelOutput} the guided prediction. Both are closed after the call.
     */
    void show(int step, int total, Scheduler sched, int index, NDArray modelInput, NDArray modelOutput);
}
