package dev.likeness.engine.sched;

import java.util.Arrays;
import java.util.stream.Collectors;

/** diffusers' beta schedules, reproduced to the float32 bit. */
public enum BetaSchedule {
    LINEAR("linear"),
    SCALED_LINEAR("scaled_linear"),
    SQUAREDCOS_CAP_V2("squaredcos_cap_v2");

    private static final double MAX_BETA = 0.999;

    private final String configName;

    BetaSchedule(String configName) {
        this.configName = configName;
    }

    public String configName() {
        return configName;
    }

    public static BetaSchedule parse(String name) {
        for (BetaSchedule b : values()) {
            if (b.configName.equals(name)) {
                return b;
            }
        }
        throw new IllegalArgumentException("unknown beta_schedule '" + name + "'; expected one of "
                + Arrays.stream(values()).map(BetaSchedule::configName).collect(Collectors.joining(", ")));
    }

    /** The {@code n} training betas, as float32 like torch. */
    public float[] betas(int n, double betaStart, double betaEnd) {
        switch (this) {
            case LINEAR:
                return ReferenceMath.torchLinspace(betaStart, betaEnd, n);
            case SCALED_LINEAR: {
                float[] roots = ReferenceMath.torchLinspace(Math.sqrt(betaStart), Math.sqrt(betaEnd), n);
                float[] out = new float[n];
                for (int i = 0; i < n; i++) {
                    out[i] = roots[i] * roots[i];
                }
                return out;
            }
            case SQUAREDCOS_CAP_V2: {
                // computed in Python doubles, then stored as float32
                float[] out = new float[n];
                for (int i = 0; i < n; i++) {
                    double t1 = (double) i / n;
                    double t2 = (double) (i + 1) / n;
                    out[i] = (float) Math.min(1 - cosineAlphaBar(t2) / cosineAlphaBar(t1), MAX_BETA);
                }
                return out;
            }
            default:
                throw new AssertionError(this);
        }
    }

    private static double cosineAlphaBar(double t) {
        double c = Math.cos((t + 0.008) / 1.008 * Math.PI / 2);
        return c * c;
    }
}
