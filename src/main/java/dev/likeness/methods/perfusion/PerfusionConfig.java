package dev.likeness.methods.perfusion;

/**
 * Settings of one Perfusion training run (defaults from the reference implementation, methods.md §3.4).
 *
 * @param token     the concept's placeholder, e.g. {@code <my-teddy>}; must not be a word of the vocabulary
 * @param classWord the super-category, a single-token word ("teddy"): its key is what the concept's key is locked to
 * @param templates "object" or "style" caption templates
 * @param flips     also train on mirrored images (off for asymmetric subjects)
 * @param beta      gate bias during training
 * @param tau       gate temperature during training
 * @param ema       decay of the running average i*
 */
public record PerfusionConfig(String token, String classWord, String templates, boolean flips, double beta,
        double tau, double ema) {
    public static final double TRAIN_BETA = 0.75;
    public static final double TRAIN_TAU = 0.1;
    public static final double EMA = 0.99;

    public PerfusionConfig {
        if (token == null || token.isBlank() || token.contains(" ")) {
            throw new IllegalArgumentException("the token must be one word without spaces, e.g. <my-teddy>");
        }
        if (classWord == null || classWord.isBlank()) {
            throw new IllegalArgumentException("Perfusion needs the subject's class word (--class), e.g. teddy");
        }
        if (!(tau > 0) || !(ema >= 0 && ema < 1)) {
            throw new IllegalArgumentException("tau must be > 0 and the EMA decay in [0, 1)");
        }
    }

    public static PerfusionConfig defaults(String token, String classWord) {
        return new PerfusionConfig(token, classWord, "object", true, TRAIN_BETA, TRAIN_TAU, EMA);
    }
}
