package dev.likeness.engine.weights;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;

/** The parameter names and shapes of a transformers CLIPTextModel, as its config defines them. */
final class ClipTextLayout {
    private ClipTextLayout() {}

    /** @param config a complete config (see {@link DiffusersDefaults#complete}) */
    static Map<String, long[]> of(JsonNode config, String configName) throws WeightsFormatException {
        ConfigFields c = new ConfigFields(config, configName);
        long hidden = c.integer("hidden_size");
        long inner = c.integer("intermediate_size");
        ParamShapes p = new ParamShapes();
        p.put("text_model.embeddings.token_embedding.weight", c.integer("vocab_size"), hidden);
        p.put("text_model.embeddings.position_embedding.weight", c.integer("max_position_embeddings"), hidden);
        for (int i = 0; i < c.integer("num_hidden_layers"); i++) {
            String layer = "text_model.encoder.layers." + i;
            for (String proj : new String[] {"k_proj", "v_proj", "q_proj", "out_proj"}) {
                p.linear(layer + ".self_attn." + proj, hidden, hidden, true);
            }
            p.norm(layer + ".layer_norm1", hidden);
            p.linear(layer + ".mlp.fc1", inner, hidden, true);
            p.linear(layer + ".mlp.fc2", hidden, inner, true);
            p.norm(layer + ".layer_norm2", hidden);
        }
        p.norm("text_model.final_layer_norm", hidden);
        return p.build();
    }
}
