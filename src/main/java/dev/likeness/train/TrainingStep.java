package dev.likeness.train;

/**
 * One optimizer step as training feedback reports it.
 *
 * @param step        steps done so far (1 after the first)
 * @param total       the run's steps
 * @param loss        this step's loss (mean over its micro-batches)
 * @param lossAverage mean loss of the last {@link #WINDOW} steps (fewer at the start): the curve to watch, since a
 *                    diffusion loss jumps with each draw of timesteps
 * @param lr          the learning rate this step used (the method's base rate, before per-group scales)
 */
public record TrainingStep(int step, int total, double loss, double lossAverage, double lr) {
    public static final int WINDOW = 25;
}
