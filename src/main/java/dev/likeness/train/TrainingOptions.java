package dev.likeness.train;

/**
 * Settings of the shared training loop.
 *
 * @param batchSize        examples per forward pass
 * @param gradAccumulation forward/backward passes per optimizer step
 * @param maxGradNorm      global gradient-norm clip (0 = off)
 * @param checkpointEvery  steps between checkpoints (0 = only on cancel)
 */
public record TrainingOptions(int steps, int batchSize, int gradAccumulation, LrSchedule lr, double weightDecay,
        double maxGradNorm, int checkpointEvery, long seed) {
    public TrainingOptions {
        if (steps < 1 || steps > 1_000_000) {
            throw new IllegalArgumentException("steps must be between 1 and 1000000");
        }
        if (batchSize < 1 || batchSize > 64 || gradAccumulation < 1 || gradAccumulation > 1024) {
            throw new IllegalArgumentException("batch must be 1..64 and gradient accumulation 1..1024");
        }
        if (weightDecay < 0 || maxGradNorm < 0 || checkpointEvery < 0) {
            throw new IllegalArgumentException("weight decay, gradient clip and checkpoint interval must be >= 0");
        }
    }
}
