package dev.likeness.engine.weights;

/** A checkpoint's prediction type ("epsilon" or "v_prediction") and the rule that decided it, for `inspect`. */
public record PredictionDecision(String predictionType, String rule) {}
