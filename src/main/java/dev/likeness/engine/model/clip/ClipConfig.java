package dev.likeness.engine.model.clip;

import com.fasterxml.jackson.databind.JsonNode;

/** The fields of a transformers CLIPTextConfig that the text encoder needs. */
public record ClipConfig(int hiddenSize, int intermediateSize, int layers, int heads, int maxPositions,
        int vocabSize, String activation, float layerNormEps, int eosTokenId) {

    public static ClipConfig from(JsonNode c) {
        return new ClipConfig(
                c.path("hidden_size").asInt(768),
                c.path("intermediate_size").asInt(3072),
                c.path("num_hidden_layers").asInt(12),
                c.path("num_attention_heads").asInt(12),
                c.path("max_position_embeddings").asInt(77),
                c.path("vocab_size").asInt(49408),
                c.path("hidden_act").asText("quick_gelu"),
                (float) c.path("layer_norm_eps").asDouble(1e-5),
                c.path("eos_token_id").asInt(49407));
    }
}
