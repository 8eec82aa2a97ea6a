package dev.likeness.engine.sched;

import ai.djl.ndarray.NDArray;
import dev.likeness.engine.rng.TorchGenerator;

/**
 * One sampling run of a diffusers-style scheduler. An instance is made for a fixed number of inference steps and
 * holds the run's state (PNDM's history, DPM++'s previous output, the step index), so use a fresh instance for
 * every image. Step {@code i} refers to {@code timesteps()[i]}.
 */
public interface Scheduler {
    /** The model timesteps, in the order the denoising loop visits them. */
    long[] timesteps();

    /**
     * The timesteps as the model should receive them. They equal {@link #timesteps()} except for the Euler
     * samplers with linspace spacing, whose timesteps are fractional (957.375 at 25 steps) and which
     * {@link #timesteps()} truncates, like {@code int(t)}.
     */
    default float[] modelTimesteps() {
        long[] t = timesteps();
        float[] out = new float[t.length];
        for (int i = 0; i < t.length; i++) {
            out[i] = t[i];
        }
        return out;
    }

    /** Scale of the initial noise (1 for DDIM/PNDM/DDPM, the largest sigma's scale for Euler-type samplers). */
    float initNoiseSigma();

    /**
     * Marks where an img2img run starts, so sigma-indexed samplers begin at that index. Steps are then taken one
     * after another from it (from 0 without it); out-of-order steps throw {@link IllegalStateException}.
     */
    void setBeginIndex(int index);

    /**
     * The sample as the model should see it at step {@code i} (divided by sqrt(sigma²+1) for Euler-type). Samplers
     * that do not scale return {@code sample} itself.
     */
    NDArray scaleModelInput(NDArray sample, int i);

    /** Turns the model's output at step {@code i} into the next sample; stochastic samplers draw from {@code gen}. */
    NDArray step(NDArray modelOutput, int i, NDArray sample, TorchGenerator gen);

    /** Noises clean latents to the level of step {@code i} (img2img start). */
    NDArray addNoise(NDArray original, NDArray noise, int i);
}
