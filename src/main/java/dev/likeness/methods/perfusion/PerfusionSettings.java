package dev.likeness.methods.perfusion;

import java.util.Locale;
import java.util.Map;

/**
 * How one Perfusion concept is used in a generation.
 *
 * @param beta        gate bias: higher = weaker concept, lower = stronger (the fidelity/alignment knob)
 * @param tau         gate temperature
 * @param globalLock  the K pathway reads the prompt with the token replaced by the class word (richer scenes; use
 *                    a lower β, 0.4–0.6), instead of locking only the token's own key
 * @param approximate combine several concepts with the approximate form (Σ of single edits) instead of the exact one
 */
public record PerfusionSettings(double beta, double tau, boolean globalLock, boolean approximate) {
    public PerfusionSettings {
        if (!Double.isFinite(beta) || !(tau > 0) || !Double.isFinite(tau)) {
            throw new IllegalArgumentException("Perfusion needs a finite beta and a tau > 0");
        }
    }

    public static PerfusionSettings defaults() {
        return new PerfusionSettings(Perfusion.BETA, Perfusion.TAU, false, false);
    }

    /**
     * Settings from a concept reference's options ({@code beta}, {@code tau}, {@code lock=local|global},
     * {@code form=exact|approximate}); what is not given comes from {@code defaults}.
     */
    public static PerfusionSettings of(Map<String, String> options, PerfusionSettings defaults) {
        double beta = number(options, "beta", defaults.beta());
        double tau = number(options, "tau", defaults.tau());
        String lock = options.getOrDefault("lock", defaults.globalLock() ? "global" : "local").toLowerCase(Locale.ROOT);
        String form = options.getOrDefault("form", defaults.approximate() ? "approximate" : "exact")
                .toLowerCase(Locale.ROOT);
        if (!lock.equals("local") && !lock.equals("global")) {
            throw new IllegalArgumentException("lock must be local or global, not " + lock);
        }
        if (!form.equals("exact") && !form.equals("approximate")) {
            throw new IllegalArgumentException("form must be exact or approximate, not " + form);
        }
        return new PerfusionSettings(beta, tau, lock.equals("global"), form.equals("approximate"));
    }

    private static double number(Map<String, String> options, String key, double fallback) {
        String v = options.get(key);
        if (v == null) {
            return fallback;
        }
        try {
            return Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be a number, not '" + v + "'");
        }
    }
}
