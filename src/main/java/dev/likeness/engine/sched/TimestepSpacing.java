package dev.likeness.engine.sched;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * How inference timesteps are spread over the training range (table 2 of "Common Diffusion Noise Schedules and
 * Sample Steps are Flawed"), computed with numpy's float64 arithmetic as diffusers does.
 */
public enum TimestepSpacing {
    LEADING("leading"),
    TRAILING("trailing"),
    LINSPACE("linspace");

    private final String configName;

    TimestepSpacing(String configName) {
        this.configName = configName;
    }

    public String configName() {
        return configName;
    }

    public static TimestepSpacing parse(String name) {
        for (TimestepSpacing s : values()) {
            if (s.configName.equals(name)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown timestep_spacing '" + name + "'; expected one of "
                + Arrays.stream(values()).map(TimestepSpacing::configName).collect(Collectors.joining(", ")));
    }

    /**
     * The descending timesteps of DDIM, DDPM and the Euler samplers, not yet rounded: LINSPACE gives fractional
     * values that DDIM rounds and Euler keeps. TRAILING may yield one entry more than {@code steps} where numpy's
     * arange does.
     */
    public double[] descending(int numTrainTimesteps, int steps, int stepsOffset) {
        switch (this) {
            case LINSPACE:
                return ReferenceMath.reversed(ReferenceMath.numpyLinspace(0, numTrainTimesteps - 1, steps));
            case LEADING: {
                int ratio = numTrainTimesteps / steps;
                double[] out = new double[steps];
                for (int k = 0; k < steps; k++) {
                    out[steps - 1 - k] = (double) k * ratio + stepsOffset;
                }
                return out;
            }
            case TRAILING: {
                double[] out = ReferenceMath.numpyArange(numTrainTimesteps, 0, -(double) numTrainTimesteps / steps);
                for (int k = 0; k < out.length; k++) {
                    out[k] = Math.rint(out[k]) - 1;
                }
                return out;
            }
            default:
                throw new AssertionError(this);
        }
    }

    /** {@link #descending} rounded half-to-even to integer timesteps (DDIM, DDPM, PNDM). */
    public long[] rounded(int numTrainTimesteps, int steps, int stepsOffset) {
        double[] d = descending(numTrainTimesteps, steps, stepsOffset);
        long[] out = new long[d.length];
        for (int i = 0; i < d.length; i++) {
            out[i] = (long) Math.rint(d[i]);
        }
        return out;
    }
}
