package dev.likeness.engine.sched;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.likeness.util.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A diffusers {@code scheduler_config.json}: the keys every sampler shares, typed, and the whole object for the
 * keys only one sampler reads (each sampler applies its own diffusers default to those, because defaults such as
 * {@code set_alpha_to_one} differ between classes).
 *
 * @param className the {@code _class_name} the config was saved by, or null
 * @param trainedBetas explicit betas that replace the beta schedule, or null
 * @param timestepSpacing the configured spacing, or null for the sampler's own default
 * @param options the full JSON object
 */
public record SchedulerConfig(
        String className,
        int numTrainTimesteps,
        double betaStart,
        double betaEnd,
        BetaSchedule betaSchedule,
        float[] trainedBetas,
        PredictionType predictionType,
        TimestepSpacing timestepSpacing,
        int stepsOffset,
        boolean rescaleBetasZeroSnr,
        ObjectNode options) {

    public SchedulerConfig {
        if (numTrainTimesteps < 1) {
            throw new IllegalArgumentException("num_train_timesteps must be positive, got " + numTrainTimesteps);
        }
        if (trainedBetas != null) {
            if (trainedBetas.length != numTrainTimesteps) {
                throw new IllegalArgumentException("trained_betas has " + trainedBetas.length
                        + " values but num_train_timesteps is " + numTrainTimesteps);
            }
            for (float b : trainedBetas) {
                if (!(b >= 0 && b <= 1)) {
                    throw new IllegalArgumentException("trained_betas must lie in [0, 1], found " + b);
                }
            }
            trainedBetas = trainedBetas.clone();
        } else {
            if (betaSchedule == null) {
                throw new IllegalArgumentException("beta_schedule is required when trained_betas is absent");
            }
            if (!(betaStart > 0 && betaEnd > 0 && betaStart < 1 && betaEnd < 1)) {
                throw new IllegalArgumentException("beta_start and beta_end must lie in (0, 1), got " + betaStart
                        + " and " + betaEnd);
            }
        }
        if (predictionType == null) {
            throw new IllegalArgumentException("prediction_type is required");
        }
        if (stepsOffset < 0) {
            throw new IllegalArgumentException("steps_offset must not be negative, got " + stepsOffset);
        }
        options = options == null ? Json.MAPPER.createObjectNode() : options.deepCopy();
    }

    /** Reads a scheduler_config.json; diffusers writes {@code -Infinity} for some keys, which is accepted. */
    public static SchedulerConfig read(Path file) throws IOException {
        JsonNode root;
        try {
            root = Json.MAPPER.reader().with(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
                    .readTree(Files.readAllBytes(file));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IOException("not valid JSON: " + file + " (" + e.getOriginalMessage() + ")", e);
        }
        try {
            return parse(root);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
    }

    /** Parses a scheduler config object, with diffusers' defaults for absent keys. */
    public static SchedulerConfig parse(JsonNode node) {
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException("a scheduler config must be a JSON object");
        }
        ObjectNode o = (ObjectNode) node;
        String schedule = text(o, "beta_schedule", "linear");
        float[] trained = trainedBetas(o);
        String spacing = text(o, "timestep_spacing", null);
        return new SchedulerConfig(
                text(o, "_class_name", null),
                integer(o, "num_train_timesteps", 1000),
                number(o, "beta_start", 0.0001),
                number(o, "beta_end", 0.02),
                trained != null ? null : BetaSchedule.parse(schedule),
                trained,
                PredictionType.parse(text(o, "prediction_type", "epsilon")),
                spacing == null ? null : TimestepSpacing.parse(spacing),
                integer(o, "steps_offset", 0),
                flag(o, "rescale_betas_zero_snr", false),
                o);
    }

    /** All defaults (diffusers' DDPM-era values: linear betas 1e-4..0.02, epsilon). */
    public static SchedulerConfig defaults() {
        return parse(Json.MAPPER.createObjectNode());
    }

    @Override
    public float[] trainedBetas() {
        return trainedBetas == null ? null : trainedBetas.clone();
    }

    @Override
    public ObjectNode options() {
        return options.deepCopy();
    }

    /** The configured spacing, or {@code samplerDefault} where the config leaves it to the sampler. */
    public TimestepSpacing spacingOr(TimestepSpacing samplerDefault) {
        return timestepSpacing != null ? timestepSpacing : samplerDefault;
    }

    public SchedulerConfig withTimestepSpacing(TimestepSpacing spacing) {
        return new SchedulerConfig(className, numTrainTimesteps, betaStart, betaEnd, betaSchedule, trainedBetas,
                predictionType, spacing, stepsOffset, rescaleBetasZeroSnr, options);
    }

    public SchedulerConfig withPredictionType(PredictionType type) {
        return new SchedulerConfig(className, numTrainTimesteps, betaStart, betaEnd, betaSchedule, trainedBetas,
                type, timestepSpacing, stepsOffset, rescaleBetasZeroSnr, options);
    }

    /** A sampler-specific boolean key. */
    public boolean flag(String key, boolean dflt) {
        return flag(options, key, dflt);
    }

    /** A sampler-specific numeric key ({@code -Infinity} allowed). */
    public double number(String key, double dflt) {
        return number(options, key, dflt);
    }

    /** A sampler-specific integer key. */
    public int integer(String key, int dflt) {
        return integer(options, key, dflt);
    }

    /** A sampler-specific string key; JSON null counts as absent. */
    public String text(String key, String dflt) {
        return text(options, key, dflt);
    }

    /** Refuses a sampler option this engine does not implement when the config turns it on. */
    void requireOff(String key, String sampler) {
        if (flag(key, false)) {
            throw new IllegalArgumentException(key + "=true is not supported by " + sampler);
        }
    }

    private static boolean present(JsonNode o, String key) {
        JsonNode v = o.get(key);
        return v != null && !v.isNull();
    }

    private static boolean flag(JsonNode o, String key, boolean dflt) {
        if (!present(o, key)) {
            return dflt;
        }
        JsonNode v = o.get(key);
        if (!v.isBoolean()) {
            throw new IllegalArgumentException("scheduler config key '" + key + "' must be true or false, got " + v);
        }
        return v.booleanValue();
    }

    private static double number(JsonNode o, String key, double dflt) {
        if (!present(o, key)) {
            return dflt;
        }
        JsonNode v = o.get(key);
        if (!v.isNumber()) {
            throw new IllegalArgumentException("scheduler config key '" + key + "' must be a number, got " + v);
        }
        return v.doubleValue();
    }

    private static int integer(JsonNode o, String key, int dflt) {
        if (!present(o, key)) {
            return dflt;
        }
        JsonNode v = o.get(key);
        if (!v.isIntegralNumber() || !v.canConvertToInt()) {
            throw new IllegalArgumentException("scheduler config key '" + key + "' must be an integer, got " + v);
        }
        return v.intValue();
    }

    private static String text(JsonNode o, String key, String dflt) {
        if (!present(o, key)) {
            return dflt;
        }
        JsonNode v = o.get(key);
        if (!v.isTextual()) {
            throw new IllegalArgumentException("scheduler config key '" + key + "' must be a string, got " + v);
        }
        return v.textValue();
    }

    private static float[] trainedBetas(JsonNode o) {
        if (!present(o, "trained_betas")) {
            return null;
        }
        JsonNode v = o.get("trained_betas");
        if (!v.isArray()) {
            throw new IllegalArgumentException("trained_betas must be a list of numbers");
        }
        float[] out = new float[v.size()];
        for (int i = 0; i < out.length; i++) {
            if (!v.get(i).isNumber()) {
                throw new IllegalArgumentException("trained_betas must be a list of numbers");
            }
            out[i] = (float) v.get(i).doubleValue();
        }
        return out;
    }
}
