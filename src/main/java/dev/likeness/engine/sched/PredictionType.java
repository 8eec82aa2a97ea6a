package dev.likeness.engine.sched;

import java.util.Arrays;
import java.util.stream.Collectors;

/** What the model predicts: the added noise, the velocity √ᾱ·ε − √(1−ᾱ)·x0, or the clean sample. */
public enum PredictionType {
    EPSILON("epsilon"),
    V_PREDICTION("v_prediction"),
    SAMPLE("sample");

    private final String configName;

    PredictionType(String configName) {
        this.configName = configName;
    }

    /** The name used in diffusers' scheduler_config.json. */
    public String configName() {
        return configName;
    }

    public static PredictionType parse(String name) {
        for (PredictionType p : values()) {
            if (p.configName.equals(name)) {
                return p;
            }
        }
        throw new IllegalArgumentException("unknown prediction_type '" + name + "'; expected one of "
                + Arrays.stream(values()).map(PredictionType::configName).collect(Collectors.joining(", ")));
    }
}
