package dev.likeness.server.jobs;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.likeness.train.TrainingStep;

/**
 * Last progress report of a running job: step {@code step} of {@code total}, with a short phase message; a training
 * step adds its loss, the loss's moving average and the learning rate (absent otherwise).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record JobProgress(int step, int total, String message, Double loss, Double lossAverage, Double lr) {
    public static final JobProgress NONE = new JobProgress(0, 0, "");

    public JobProgress(int step, int total, String message) {
        this(step, total, message, null, null, null);
    }

    static JobProgress of(TrainingStep s, String message) {
        return new JobProgress(s.step(), s.total(), message, s.loss(), s.lossAverage(), s.lr());
    }

    /** The same step with another message: a training step keeps its numbers. */
    JobProgress withMessage(int atStep, int atTotal, String text) {
        return atStep == step && atTotal == total && loss != null
                ? new JobProgress(step, total, text, loss, lossAverage, lr) : new JobProgress(atStep, atTotal, text);
    }
}
