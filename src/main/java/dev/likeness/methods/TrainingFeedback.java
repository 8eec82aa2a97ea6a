package dev.likeness.methods;

import dev.likeness.pipeline.preview.PreviewSink;
import dev.likeness.train.TrainingObserver;

/**
 * What a training run reports besides its progress bar: each step (loss, average, learning rate) to {@code steps},
 * and the {@code samples} plan's images to {@code sampleSink} (as previews) and into the concept.
 */
public record TrainingFeedback(TrainingObserver steps, SamplePlan samples, PreviewSink sampleSink) {
    public static final TrainingFeedback NONE = new TrainingFeedback(TrainingObserver.NONE, SamplePlan.NONE,
            PreviewSink.NONE);

    public static TrainingFeedback of(TrainingObserver steps) {
        return new TrainingFeedback(steps, SamplePlan.NONE, PreviewSink.NONE);
    }
}
