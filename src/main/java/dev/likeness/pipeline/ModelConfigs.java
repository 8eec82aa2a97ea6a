package dev.likeness.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;

/** A model's diffusers-style component configs (defaults filled in) and its tokenizer folder. */
public record ModelConfigs(JsonNode unet, JsonNode vae, JsonNode text, JsonNode scheduler, Path tokenizerDir) {}
