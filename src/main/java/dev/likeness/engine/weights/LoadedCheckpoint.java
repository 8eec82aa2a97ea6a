package dev.likeness.engine.weights;

import ai.djl.ndarray.NDArray;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.Map;

/**
 * A checkpoint read into per-component state dicts with diffusers tensor names, plus diffusers-style configs
 * (missing keys filled with the diffusers / transformers defaults). The arrays belong to the manager passed to
 * {@link CheckpointLoader#load}. {@code tokenizerDir} is null for a single file loaded without a config folder.
 */
public record LoadedCheckpoint(ModelFormat format, ModelFamily family, Path path,
        JsonNode unetConfig, JsonNode vaeConfig, JsonNode textConfig, JsonNode schedulerConfig,
        Path tokenizerDir,
        Map<String, NDArray> unet, Map<String, NDArray> vae, Map<String, NDArray> textEncoder) {}
