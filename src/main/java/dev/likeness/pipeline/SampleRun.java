package dev.likeness.pipeline;

import dev.likeness.engine.rng.TorchGenerator;
import dev.likeness.engine.sched.Scheduler;
import java.util.Objects;
import java.util.function.IntFunction;

/**
 * How one sampling run goes: what {@link DenoiseLoop#run} and {@link StableDiffusion#sampleLatents} need beside the
 * latents. Start from {@link #of} and change what differs with the {@code with...} methods.
 *
 * @param sampler        the sampler name {@link StableDiffusion#sampleLatents} makes its scheduler from
 * @param scheduler      the scheduler {@link DenoiseLoop#run} steps (sampleLatents sets it)
 * @param start          the first step index (img2img and inversion start part-way)
 * @param condAt         the conditioning of each step (Layout-and-Retouch switches prompts mid-run)
 * @param generator      the noise of stochastic samplers; null draws from seed 0
 * @param hook           called around each step
 * @param listener       progress, reported as {@code progressOffset + steps done} of {@code progressTotal}
 * @param cancel         checked before each step and between UNet blocks
 * @param progressOffset where this run's steps start in the progress of a whole request
 * @param progressTotal  the whole request's steps; 0 means this run's own steps
 * @param preview        live x̂₀ previews; {@link StepPreview#NONE} makes none
 */
public record SampleRun(String sampler, Scheduler scheduler, int start, IntFunction<Conditioning> condAt,
        TorchGenerator generator, DenoiseLoop.StepHook hook, ProgressListener listener, CancelSignal cancel,
        int progressOffset, int progressTotal, StepPreview preview) {

    public SampleRun {
        Objects.requireNonNull(condAt, "condAt");
        hook = hook == null ? DenoiseLoop.StepHook.NONE : hook;
        listener = listener == null ? ProgressListener.NONE : listener;
        cancel = cancel == null ? CancelSignal.none() : cancel;
        preview = preview == null ? StepPreview.NONE : preview;
    }

    /** Every step with {@code cond}, from step 0, no hook, progress or previews. */
    public static SampleRun of(Conditioning cond) {
        return of(i -> cond);
    }

    public static SampleRun of(IntFunction<Conditioning> condAt) {
        return new SampleRun(null, null, 0, condAt, null, null, null, null, 0, 0, null);
    }

    public SampleRun withSampler(String name) {
        return new SampleRun(name, scheduler, start, condAt, generator, hook, listener, cancel, progressOffset,
                progressTotal, preview);
    }

    public SampleRun withScheduler(Scheduler sched) {
        return new SampleRun(sampler, sched, start, condAt, generator, hook, listener, cancel, progressOffset,
                progressTotal, preview);
    }

    public SampleRun withStart(int index) {
        return new SampleRun(sampler, scheduler, index, condAt, generator, hook, listener, cancel, progressOffset,
                progressTotal, preview);
    }

    public SampleRun withConditioning(IntFunction<Conditioning> perStep) {
        return new SampleRun(sampler, scheduler, start, perStep, generator, hook, listener, cancel, progressOffset,
                progressTotal, preview);
    }

    public SampleRun withGenerator(TorchGenerator gen) {
        return new SampleRun(sampler, scheduler, start, condAt, gen, hook, listener, cancel, progressOffset,
                progressTotal, preview);
    }

    public SampleRun withHook(DenoiseLoop.StepHook stepHook) {
        return new SampleRun(sampler, scheduler, start, condAt, generator, stepHook, listener, cancel, progressOffset,
                progressTotal, preview);
    }

    public SampleRun withProgress(ProgressListener to, int offset, int total) {
        return new SampleRun(sampler, scheduler, start, condAt, generator, hook, to, cancel, offset, total, preview);
    }

    public SampleRun withProgress(StableDiffusion.Progress progress) {
        return withProgress(progress.listener(), progress.offset(), progress.total());
    }

    public SampleRun withCancel(CancelSignal signal) {
        return new SampleRun(sampler, scheduler, start, condAt, generator, hook, listener, signal, progressOffset,
                progressTotal, preview);
    }

    public SampleRun withPreview(StepPreview previews) {
        return new SampleRun(sampler, scheduler, start, condAt, generator, hook, listener, cancel, progressOffset,
                progressTotal, previews);
    }
}
