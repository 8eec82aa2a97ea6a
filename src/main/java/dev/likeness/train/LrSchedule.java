package dev.likeness.train;

import java.util.Locale;

/** Learning rate per optimizer step, as diffusers' get_scheduler: constant, constant_with_warmup, cosine. */
public record LrSchedule(String kind, double baseLr, int warmupSteps, int totalSteps) {
    public LrSchedule {
        kind = kind.toLowerCase(Locale.ROOT);
        if (!kind.equals("constant") && !kind.equals("constant_with_warmup") && !kind.equals("cosine")) {
            throw new IllegalArgumentException("unknown lr schedule '" + kind
                    + "' (constant, constant_with_warmup, cosine)");
        }
        if (!(baseLr > 0) || warmupSteps < 0 || totalSteps < 1) {
            throw new IllegalArgumentException("learning rate must be > 0 and steps >= 1");
        }
    }

    public static LrSchedule constant(double lr, int total) {
        return new LrSchedule("constant", lr, 0, total);
    }

    /** @param step 0-based index of the optimizer step about to be taken */
    public double lr(int step) {
        double warm = warmupSteps > 0 && step < warmupSteps ? (double) step / warmupSteps : 1.0;
        return switch (kind) {
            case "constant" -> baseLr;
            case "constant_with_warmup" -> baseLr * warm;
            default -> {
                if (step < warmupSteps) {
                    yield baseLr * warm;
                }
                double progress = (double) (step - warmupSteps) / Math.max(1, totalSteps - warmupSteps);
                yield baseLr * 0.5 * (1 + Math.cos(Math.PI * progress));
            }
        };
    }
}
