package dev.likeness.engine.sched;

import ai.djl.ndarray.NDArray;

/**
 * Base of the samplers that work on ᾱ directly (DDIM, DDPM, PNDM, DPM++): unit initial noise, no input scaling,
 * integer timesteps, and steps taken in order from the begin index.
 */
abstract class AlphaScheduler implements Scheduler {
    protected final long[] timesteps;
    protected final StepCursor cursor;

    protected AlphaScheduler(long[] timesteps) {
        this.timesteps = timesteps;
        this.cursor = new StepCursor(timesteps.length);
    }

    @Override
    public long[] timesteps() {
        return timesteps.clone();
    }

    @Override
    public float initNoiseSigma() {
        return 1f;
    }

    @Override
    public void setBeginIndex(int index) {
        cursor.setBegin(index);
    }

    @Override
    public NDArray scaleModelInput(NDArray sample, int i) {
        cursor.check(i);
        return sample;
    }
}
