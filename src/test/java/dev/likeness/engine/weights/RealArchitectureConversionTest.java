package dev.likeness.engine.weights;

import static dev.likeness.engine.weights.ShapeAssertions.assertConfigKeys;
import static dev.likeness.engine.weights.ShapeAssertions.assertConfigValue;
import static dev.likeness.engine.weights.ShapeAssertions.assertSameShapes;
import static dev.likeness.engine.weights.ShapeAssertions.fieldNames;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.likeness.testing.Golden;
import dev.likeness.util.Json;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The single-file → diffusers conversion on the real SD 1.5 and SD 2.1 architectures, by names and shapes alone
 * (real-architectures.json holds no weights).
 */
class RealArchitectureConversionTest {
    private static JsonNode real;

    @BeforeAll
    static void read() throws IOException {
        real = Json.readTree(Golden.root().resolve("real-architectures.json"));
    }

    private static Map<String, long[]> shapes(JsonNode table) {
        return dev.likeness.testing.SparseCheckpoints.shapes(table);
    }

    private static Map<String, long[]> component(String model, String component) {
        return shapes(real.path(model).path(component).path("shapes"));
    }

    private static Map<String, long[]> singleFile(String model) {
        return shapes(real.path(model).path("ldm_single_file"));
    }

    private static long params(Map<String, long[]> shapes) {
        long n = 0;
        for (long[] s : shapes.values()) {
            long k = 1;
            for (long d : s) {
                k *= d;
            }
            n += k;
        }
        return n;
    }

    private static CheckpointPlan plan(Map<String, long[]> shapes) throws WeightsFormatException {
        return LdmCheckpointConverter.plan("test: ", shapes, OptionalInt.empty());
    }

    @ParameterizedTest
    @ValueSource(strings = {"sd15", "sd21"})
    void singleFileNamesAndShapesBecomeExactlyTheDiffusersOnes(String model) throws WeightsFormatException {
        CheckpointPlan plan = plan(singleFile(model));
        assertEquals(model.equals("sd15") ? ModelFamily.SD1 : ModelFamily.SD2, plan.family());
        assertSameShapes(component(model, "unet"), plan.unetShapes(), model + " unet");
        assertSameShapes(component(model, "vae"), plan.vaeShapes(), model + " vae");
        assertSameShapes(component(model, "text_encoder"), plan.textShapes(), model + " text encoder");
        for (String c : List.of("unet", "vae", "text_encoder")) {
            assertEquals(real.path(model).path(c).path("params").asLong(), params(component(model, c)),
                    model + " " + c + " parameter count");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sd15", "sd21"})
    void configInferredFromShapesIsThePublishedUnetConfig(String model) throws WeightsFormatException {
        CheckpointPlan plan = plan(singleFile(model));
        ObjectNode inferred = ConfigInference.unet(plan.unetShapes(),
                model.equals("sd15") ? FamilyPreset.SD1 : FamilyPreset.SD2_V, 8);
        JsonNode published = real.path(model).path("unet_config");
        assertConfigKeys(published, inferred, List.of("block_out_channels", "layers_per_block", "down_block_types",
                "up_block_types", "mid_block_type", "cross_attention_dim", "use_linear_projection",
                "attention_head_dim", "num_attention_heads", "in_channels", "out_channels",
                "transformer_layers_per_block", "upcast_attention"), model);
        // Everything else is a default or the family's convention, so the whole published config comes out.
        for (String key : fieldNames(published)) {
            assertConfigValue(published.get(key), inferred.get(key), model + " unet_config." + key);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sd15", "sd21"})
    void layoutsFromConfigsAreTheRealParameterTables(String model) throws WeightsFormatException {
        CheckpointPlan plan = plan(singleFile(model));
        ObjectNode unetConfig = DiffusersDefaults.complete(real.path(model).path("unet_config"),
                DiffusersDefaults.unet());
        assertSameShapes(component(model, "unet"), UnetLayout.of(unetConfig, "unet_config"), model + " unet layout");
        assertSameShapes(component(model, "vae"),
                VaeLayout.of(ConfigInference.vae(plan.vaeShapes(), plan.family()), "vae"), model + " vae layout");
        assertSameShapes(component(model, "text_encoder"),
                ClipTextLayout.of(ConfigInference.text(plan.textShapes(), plan.family()), "text"),
                model + " text layout");
    }

    @Test
    void inferredVaeAndTextConfigsMatchThePublishedModels() throws WeightsFormatException {
        CheckpointPlan sd15 = plan(singleFile("sd15"));
        ObjectNode vae = ConfigInference.vae(sd15.vaeShapes(), sd15.family());
        assertEquals("[128,256,512,512]", vae.get("block_out_channels").toString());
        assertEquals(2, vae.get("layers_per_block").asInt());
        assertEquals(4, vae.get("latent_channels").asInt());
        assertEquals(0.18215, vae.get("scaling_factor").asDouble());
        ObjectNode clip = ConfigInference.text(sd15.textShapes(), sd15.family());
        assertEquals(List.of(768, 3072, 12, 12, "quick_gelu"), List.of(clip.get("hidden_size").asInt(),
                clip.get("intermediate_size").asInt(), clip.get("num_hidden_layers").asInt(),
                clip.get("num_attention_heads").asInt(), clip.get("hidden_act").asText()));
        CheckpointPlan sd21 = plan(singleFile("sd21"));
        ObjectNode openClip = ConfigInference.text(sd21.textShapes(), sd21.family());
        assertEquals(List.of(1024, 4096, 23, 16, "gelu"), List.of(openClip.get("hidden_size").asInt(),
                openClip.get("intermediate_size").asInt(), openClip.get("num_hidden_layers").asInt(),
                openClip.get("num_attention_heads").asInt(), openClip.get("hidden_act").asText()));
        assertEquals("v_prediction", FamilyPreset.SD2_V.scheduler().get("prediction_type").asText());
        assertEquals("DDIMScheduler", FamilyPreset.SD2_V.scheduler().get("_class_name").asText());
        assertEquals("epsilon", FamilyPreset.SD2_BASE.scheduler().get("prediction_type").asText());
        assertEquals("PNDMScheduler", FamilyPreset.SD1.scheduler().get("_class_name").asText());
    }

    /** What published files carry beyond the model: LDM buffers, EMA copies, the whole OpenCLIP tower. */
    @Test
    void publishedExtrasAreIgnoredAndTheLastOpenClipBlockDropped() throws WeightsFormatException {
        Map<String, long[]> sd21 = singleFile("sd21");
        Map<String, long[]> whole = new LinkedHashMap<>(sd21);
        sd21.forEach((name, shape) -> {
            String prefix = "cond_stage_model.model.transformer.resblocks.22.";
            if (name.startsWith(prefix)) {
                whole.put("cond_stage_model.model.transformer.resblocks.23." + name.substring(prefix.length()), shape);
            }
        });
        whole.put("cond_stage_model.model.text_projection", new long[] {1024, 1024});
        whole.put("cond_stage_model.model.logit_scale", new long[] {});
        addLdmBuffers(whole);
        CheckpointPlan plan = plan(whole);
        assertSameShapes(component("sd21", "text_encoder"), plan.textShapes(), "sd21 text encoder");
        assertSameShapes(component("sd21", "unet"), plan.unetShapes(), "sd21 unet");

        whole.remove("cond_stage_model.model.text_projection");
        whole.remove("cond_stage_model.model.logit_scale");
        assertSameShapes(component("sd21", "text_encoder"), plan(whole).textShapes(),
                "24 blocks without the CLIP head");
        assertSameShapes(component("sd21", "text_encoder"),
                LdmCheckpointConverter.plan("test: ", whole, OptionalInt.of(23)).textShapes(), "config says 23");

        Map<String, long[]> sd15 = new LinkedHashMap<>(singleFile("sd15"));
        sd15.put("cond_stage_model.transformer.text_model.embeddings.position_ids", new long[] {1, 77});
        addLdmBuffers(sd15);
        CheckpointPlan plan15 = plan(sd15);
        assertSameShapes(component("sd15", "text_encoder"), plan15.textShapes(), "sd15 text encoder");
        assertSameShapes(component("sd15", "vae"), plan15.vaeShapes(), "sd15 vae");
    }

    private static void addLdmBuffers(Map<String, long[]> shapes) {
        for (String buffer : List.of("betas", "alphas_cumprod", "alphas_cumprod_prev", "sqrt_alphas_cumprod",
                "sqrt_one_minus_alphas_cumprod", "log_one_minus_alphas_cumprod", "sqrt_recip_alphas_cumprod",
                "sqrt_recipm1_alphas_cumprod", "posterior_variance", "posterior_log_variance_clipped",
                "posterior_mean_coef1", "posterior_mean_coef2")) {
            shapes.put(buffer, new long[] {1000});
        }
        shapes.put("model_ema.decay", new long[] {});
        shapes.put("model_ema.num_updates", new long[] {});
        shapes.put("model_ema.diffusion_modelinput_blocks00weight", new long[] {320, 4, 3, 3});
        shapes.put("first_stage_model.loss.logvar", new long[] {});
    }

    @Test
    void unknownTensorsInsideTheModelAreRefusedByName() {
        Map<String, long[]> shapes = new LinkedHashMap<>(singleFile("sd15"));
        shapes.put("model.diffusion_model.label_emb.0.0.weight", new long[] {1280, 768});
        WeightsFormatException e = assertThrows(WeightsFormatException.class, () -> plan(shapes));
        assertTrue(e.getMessage().contains("model.diffusion_model.label_emb.0.0.weight"), e.getMessage());
    }

    @Test
    void aMismatchedConfigNamesTheFirstDifferingParameter() throws WeightsFormatException {
        CheckpointPlan plan = plan(singleFile("sd15"));
        ObjectNode sd21 = DiffusersDefaults.complete(real.path("sd21").path("unet_config"), DiffusersDefaults.unet());
        WeightsFormatException e = assertThrows(WeightsFormatException.class, () -> LayoutCheck.check(
                "v1-5.safetensors: ", "UNet", "unet/config.json", UnetLayout.of(sd21, "unet/config.json"),
                plan.unet()));
        assertTrue(e.getMessage().startsWith("v1-5.safetensors: UNet parameter "
                + "'down_blocks.0.attentions.0.proj_in.weight' (stored as "
                + "'model.diffusion_model.input_blocks.1.1.proj_in.weight') has shape [320, 320, 1, 1]"),
                e.getMessage());
    }
}
