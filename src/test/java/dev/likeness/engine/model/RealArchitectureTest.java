package dev.likeness.engine.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.likeness.engine.model.clip.ClipConfig;
import dev.likeness.engine.model.clip.ClipTextModel;
import dev.likeness.engine.model.unet.UNet2DCondition;
import dev.likeness.engine.model.unet.UNetConfig;
import dev.likeness.engine.model.vae.AutoencoderKL;
import dev.likeness.engine.model.vae.VaeConfig;
import dev.likeness.engine.nn.Params;
import dev.likeness.engine.nn.ShapeRecorder;
import dev.likeness.testing.Golden;
import dev.likeness.util.Json;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Our modules declare exactly the parameters (names and shapes) of the real SD1.5 and SD2.1. */
class RealArchitectureTest {
    private static final String SD15_TEXT = "{\"hidden_size\":768,\"intermediate_size\":3072,\"num_hidden_layers\":12,"
            + "\"num_attention_heads\":12,\"max_position_embeddings\":77,\"vocab_size\":49408,\"hidden_act\":\"quick_gelu\"}";
    private static final String SD21_TEXT = "{\"hidden_size\":1024,\"intermediate_size\":4096,\"num_hidden_layers\":23,"
            + "\"num_attention_heads\":16,\"max_position_embeddings\":77,\"vocab_size\":49408,\"hidden_act\":\"gelu\"}";
    private static final String VAE = "{\"block_out_channels\":[128,256,512,512],\"layers_per_block\":2,"
            + "\"latent_channels\":4,\"norm_num_groups\":32}";

    @ParameterizedTest
    @ValueSource(strings = {"sd15", "sd21"})
    void realArchitecturesBindCompletely(String model) throws Exception {
        JsonNode real = Json.readTree(Golden.root().resolve("real-architectures.json")).get(model);
        JsonNode text = Json.MAPPER.readTree(model.equals("sd15") ? SD15_TEXT : SD21_TEXT);
        check(real.get("unet"), p -> new UNet2DCondition(p, UNetConfig.from(real.get("unet_config"))));
        check(real.get("vae"), p -> new AutoencoderKL(p, VaeConfig.from(Json.MAPPER.readTree(VAE))));
        check(real.get("text_encoder"), p -> new ClipTextModel(p, ClipConfig.from(text)));
    }

    private interface Ctor {
        Object build(Params p) throws Exception;
    }

    private static void check(JsonNode component, Ctor ctor) throws Exception {
        ShapeRecorder rec = new ShapeRecorder();
        ctor.build(Params.root(rec));
        Map<String, String> expected = new TreeMap<>();
        component.get("shapes").fields().forEachRemaining(e -> {
            if (!e.getKey().equals("text_model.embeddings.position_ids")) {
                expected.put(e.getKey(), e.getValue().toString().replace(" ", ""));
            }
        });
        Map<String, String> actual = new TreeMap<>();
        rec.shapes().forEach((k, v) -> actual.put(k, Arrays.toString(v).replace(" ", "")));
        TreeSet<String> missing = new TreeSet<>(expected.keySet());
        missing.removeAll(actual.keySet());
        TreeSet<String> extra = new TreeSet<>(actual.keySet());
        extra.removeAll(expected.keySet());
        assertTrue(missing.isEmpty() && extra.isEmpty(), "missing " + missing + " unexpected " + extra);
        assertEquals(expected, actual, "shapes");
        long params = component.get("params").asLong();
        assertTrue(Math.abs(rec.parameterCount() - params) <= 77, "parameter count " + rec.parameterCount() + " vs " + params);
    }
}
