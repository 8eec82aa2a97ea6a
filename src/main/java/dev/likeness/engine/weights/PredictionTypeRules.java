package dev.likeness.engine.weights;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.fasterxml.jackson.databind.JsonNode;
import dev.likeness.util.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Decides whether a bare single file predicts ε or v. SD 1.x is always ε. An SD 2.x file does not say so in its
 * tensors, so the rules are tried in order: the user's {@code --prediction-type}; the file's own metadata
 * (Stability's ModelSpec {@code modelspec.prediction_type}, kohya's {@code ss_v_parameterization}); the A1111
 * convention of a {@code <name>.yaml} beside the file ({@code parameterization: "v"}); the catalog entry that
 * {@code likeness pull} recorded beside the file after verifying its sha256; ComfyUI's weight statistic (the
 * spread of one layer-norm bias, which v-models push above 0.09); and last the family default, SD 2.1 768-v.
 */
final class PredictionTypeRules {
    static final String EPSILON = "epsilon";
    static final String V = "v_prediction";
    /** Written by `likeness pull` beside an installed file: {"catalog": name, "prediction_type": ..., "sha256": ...}. */
    public static final String PULL_SIDECAR_SUFFIX = ".likeness.json";
    static final String STATISTIC_TENSOR = "model.diffusion_model.output_blocks.11.1.transformer_blocks.0.norm1.bias";
    private static final double STATISTIC_THRESHOLD = 0.09;
    private static final Pattern YAML_PARAMETERIZATION =
            Pattern.compile("(?m)^\\s*parameterization\\s*:\\s*[\"']?([A-Za-z_]+)[\"']?\\s*(#.*)?$");

    private PredictionTypeRules() {}

    static PredictionDecision decide(SafetensorsFile file, ModelFamily family, String override) throws IOException {
        if (override != null) {
            return new PredictionDecision(override, "--prediction-type");
        }
        if (family == ModelFamily.SD1) {
            return new PredictionDecision(EPSILON, "family: SD 1.x models predict epsilon");
        }
        Optional<PredictionDecision> found = fromMetadata(file);
        if (found.isEmpty()) {
            found = fromA1111Yaml(file.path());
        }
        if (found.isEmpty()) {
            found = fromPullRecord(file.path());
        }
        if (found.isEmpty()) {
            found = fromWeightStatistic(file);
        }
        return found.orElse(new PredictionDecision(V, "family default: SD 2.x as SD 2.1 768 (v_prediction);"
                + " pass --prediction-type epsilon for a 512-base model"));
    }

    private static Optional<PredictionDecision> fromMetadata(SafetensorsFile file) {
        String spec = file.metadata().get("modelspec.prediction_type");
        if (spec != null) {
            String p = spec.trim().toLowerCase(Locale.ROOT);
            if (p.equals("v") || p.equals("v_prediction")) {
                return Optional.of(new PredictionDecision(V, "file metadata modelspec.prediction_type=" + spec));
            }
            if (p.equals("epsilon") || p.equals("eps")) {
                return Optional.of(new PredictionDecision(EPSILON, "file metadata modelspec.prediction_type=" + spec));
            }
        }
        String kohya = file.metadata().get("ss_v_parameterization");
        if (kohya != null) {
            boolean v = kohya.trim().equalsIgnoreCase("true");
            return Optional.of(new PredictionDecision(v ? V : EPSILON, "file metadata ss_v_parameterization=" + kohya));
        }
        return Optional.empty();
    }

    private static Optional<PredictionDecision> fromA1111Yaml(Path file) throws IOException {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        Path yaml = file.resolveSibling((dot > 0 ? name.substring(0, dot) : name) + ".yaml");
        if (!Files.isRegularFile(yaml) || Files.size(yaml) > 1 << 20) {
            return Optional.empty();
        }
        Matcher m = YAML_PARAMETERIZATION.matcher(Files.readString(yaml, StandardCharsets.UTF_8));
        String rule = yaml.getFileName() + " beside the file";
        if (m.find()) {
            String p = m.group(1).toLowerCase(Locale.ROOT);
            return Optional.of(new PredictionDecision(p.equals("v") ? V : EPSILON, rule + " (parameterization: " + p + ")"));
        }
        return Optional.of(new PredictionDecision(EPSILON, rule + " (no parameterization: LDM's default, eps)"));
    }

    private static Optional<PredictionDecision> fromPullRecord(Path file) throws IOException {
        Path record = file.resolveSibling(file.getFileName() + PULL_SIDECAR_SUFFIX);
        if (!Files.isRegularFile(record)) {
            return Optional.empty();
        }
        JsonNode json = Json.readTree(record);
        String p = json == null ? "" : json.path("prediction_type").asText("");
        if (!p.equals(EPSILON) && !p.equals(V)) {
            return Optional.empty();
        }
        return Optional.of(new PredictionDecision(p, "catalog entry '" + json.path("catalog").asText("?")
                + "' recorded by likeness pull (sha256 verified)"));
    }

    private static Optional<PredictionDecision> fromWeightStatistic(SafetensorsFile file) throws IOException {
        if (!file.contains(STATISTIC_TENSOR)) {
            return Optional.empty();
        }
        double std;
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray bias = file.load(STATISTIC_TENSOR, m, DataType.FLOAT32);
            float[] v = bias.toFloatArray();
            double mean = 0;
            for (float x : v) {
                mean += x;
            }
            mean /= Math.max(1, v.length);
            double var = 0;
            for (float x : v) {
                var += (x - mean) * (x - mean);
            }
            std = Math.sqrt(var / Math.max(1, v.length));
        }
        boolean isV = std > STATISTIC_THRESHOLD;
        return Optional.of(new PredictionDecision(isV ? V : EPSILON, String.format(Locale.ROOT,
                "weight statistic (ComfyUI's rule): std of output_blocks.11.1 norm1.bias = %.4f %s %.2f", std,
                isV ? ">" : "<=", STATISTIC_THRESHOLD)));
    }
}
