package dev.likeness.methods;

/**
 * Sample images while a concept trains, as kohya and OneTrainer make them: {@code count} per run, evenly spaced
 * (every ⌈steps / count⌉ steps and at the last), each a {@code sampleSteps}-step DDIM image of the prompt at the
 * training resolution, always with the same seed so the pictures differ only by what was learned.
 *
 * @param prompt null: the method's own (its validation prompt naming the token)
 */
public record SamplePlan(int count, int sampleSteps, String prompt, long seed, float guidance) {
    public static final int MAX_COUNT = 50;
    public static final SamplePlan NONE = new SamplePlan(0, 20, null, 0, 7.5f);
    public static final SamplePlan DEFAULT = new SamplePlan(4, 20, null, 1234, 7.5f);

    public SamplePlan {
        if (count < 0 || count > MAX_COUNT) {
            throw new IllegalArgumentException("samples must be 0 to " + MAX_COUNT + " per run, got " + count);
        }
        if (sampleSteps < 1 || sampleSteps > 150) {
            throw new IllegalArgumentException("sample steps must be 1 to 150, got " + sampleSteps);
        }
        if (prompt != null && prompt.isBlank()) {
            prompt = null;
        }
    }

    /** Whether step {@code step} (1-based) of {@code total} gets a sample. */
    public boolean due(int step, int total) {
        if (count == 0) {
            return false;
        }
        int every = (total + count - 1) / count;
        return step == total || step % every == 0;
    }
}
