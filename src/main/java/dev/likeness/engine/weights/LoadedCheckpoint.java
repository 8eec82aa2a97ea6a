package dev.likeness.engine.weights;

import ai.djl.ndarray.NDArray;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A checkpoint read into per-component state dicts with diffusers tensor names, plus diffusers-style configs
 * (missing keys filled with the diffusers / transformers defaults). The arrays belong to the manager passed to
 * {@link CheckpointLoader#load}. {@code tokenizerDir} is null when the model uses the built-in CLIP tokenizer (a
 * bare single file); {@code prediction} says how the prediction type was decided; {@code notes} are one-line
 * notes for the user (tensors that were ignored).
 */
public record LoadedCheckpoint(ModelFormat format, ModelFamily family, Path path,
        JsonNode unetConfig, JsonNode vaeConfig, JsonNode textConfig, JsonNode schedulerConfig,
        Path tokenizerDir,
        Map<String, NDArray> unet, Map<String, NDArray> vae, Map<String, NDArray> textEncoder,
        PredictionDecision prediction, List<String> notes) {
    public LoadedCheckpoint {
        notes = List.copyOf(notes);
    }

    /** A checkpoint whose prediction type is its scheduler config's. */
    public LoadedCheckpoint(ModelFormat format, ModelFamily family, Path path, JsonNode unetConfig,
            JsonNode vaeConfig, JsonNode textConfig, JsonNode schedulerConfig, Path tokenizerDir,
            Map<String, NDArray> unet, Map<String, NDArray> vae, Map<String, NDArray> textEncoder) {
        this(format, family, path, unetConfig, vaeConfig, textConfig, schedulerConfig, tokenizerDir, unet, vae,
                textEncoder, new PredictionDecision(schedulerConfig.path("prediction_type").asText("epsilon"),
                        "scheduler/scheduler_config.json"), List.of());
    }

    /** The same checkpoint with another VAE. */
    LoadedCheckpoint withVae(JsonNode config, Map<String, NDArray> arrays, String note) {
        List<String> all = new java.util.ArrayList<>(notes);
        all.add(note);
        return new LoadedCheckpoint(format, family, path, unetConfig, config, textConfig, schedulerConfig,
                tokenizerDir, unet, arrays, textEncoder, prediction, all);
    }
}
