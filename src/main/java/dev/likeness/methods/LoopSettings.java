package dev.likeness.methods;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import dev.likeness.train.LrSchedule;
import dev.likeness.train.TrainingOptions;
import java.util.List;
import java.util.Locale;

/**
 * The loop settings a request may give (null: the method's {@link LoopDefaults}). The CLI's named flags and the
 * API's top-level {@code steps}/{@code seed} and {@code options} fields of these names fill it.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record LoopSettings(Integer steps, Double lr, Integer batch, Integer gradAccum, String lrSchedule,
        Integer warmup, Double weightDecay, Double maxGradNorm, Integer checkpointEvery) {
    /** The JSON names of these settings, as they appear in the API's {@code options}. */
    public static final List<String> NAMES = List.of("lr", "batch", "gradAccum", "lrSchedule", "warmup",
            "weightDecay", "maxGradNorm", "checkpointEvery");

    public static final LoopSettings NONE = new LoopSettings(null, null, null, null, null, null, null, null, null);

    /** The loop's options: given values, else the method's defaults; a scaled rate is multiplied by batch × accum. */
    public TrainingOptions resolve(LoopDefaults d, long seed, int defaultCheckpointEvery) {
        int n = steps != null ? steps : d.steps();
        int b = batch != null ? batch : d.batch();
        int a = gradAccum != null ? gradAccum : d.gradAccum();
        double rate = (lr != null ? lr : d.lr()) * (d.scaleLr() ? (double) b * a : 1);
        String schedule = lrSchedule == null ? "constant" : lrSchedule.toLowerCase(Locale.ROOT);
        return new TrainingOptions(n, b, a, new LrSchedule(schedule, rate, warmup == null ? 0 : warmup, n),
                weightDecay != null ? weightDecay : d.weightDecay(), maxGradNorm != null ? maxGradNorm
                : d.maxGradNorm(), checkpointEvery != null ? checkpointEvery : defaultCheckpointEvery, seed);
    }
}
