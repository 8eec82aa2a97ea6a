package dev.likeness.engine.weights;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.likeness.util.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.Map;

/**
 * Every key of the diffusers / transformers config.json files Likeness reads, with the library defaults
 * (UNet2DConditionModel, AutoencoderKL, CLIPTextConfig). Published configs written by older library versions lack
 * newer keys; filling them here gives every consumer the same complete config. The version fields name the
 * releases whose config format these mirror.
 */
final class DiffusersDefaults {
    private static final ObjectNode UNET = parse("""
            {"_class_name": "UNet2DConditionModel", "_diffusers_version": "0.40.0.dev0", "act_fn": "silu",
             "addition_embed_type": null, "addition_embed_type_num_heads": 64, "addition_time_embed_dim": null,
             "attention_head_dim": 8, "attention_type": "default", "block_out_channels": [320, 640, 1280, 1280],
             "center_input_sample": false, "class_embed_type": null, "class_embeddings_concat": false,
             "conv_in_kernel": 3, "conv_out_kernel": 3, "cross_attention_dim": 1280, "cross_attention_norm": null,
             "down_block_types": ["CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "CrossAttnDownBlock2D",
                                  "DownBlock2D"],
             "downsample_padding": 1, "dropout": 0.0, "dual_cross_attention": false, "encoder_hid_dim": null,
             "encoder_hid_dim_type": null, "flip_sin_to_cos": true, "freq_shift": 0, "in_channels": 4,
             "layers_per_block": 2, "mid_block_only_cross_attention": null, "mid_block_scale_factor": 1,
             "mid_block_type": "UNetMidBlock2DCrossAttn", "norm_eps": 1e-05, "norm_num_groups": 32,
             "num_attention_heads": null, "num_class_embeds": null, "only_cross_attention": false, "out_channels": 4,
             "projection_class_embeddings_input_dim": null, "resnet_out_scale_factor": 1.0,
             "resnet_skip_time_act": false, "resnet_time_scale_shift": "default",
             "reverse_transformer_layers_per_block": null, "sample_size": null, "time_cond_proj_dim": null,
             "time_embedding_act_fn": null, "time_embedding_dim": null, "time_embedding_type": "positional",
             "timestep_post_act": null, "transformer_layers_per_block": 1,
             "up_block_types": ["UpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D"],
             "upcast_attention": false, "use_linear_projection": false}
            """);

    private static final ObjectNode VAE = parse("""
            {"_class_name": "AutoencoderKL", "_diffusers_version": "0.40.0.dev0", "act_fn": "silu",
             "block_out_channels": [64], "down_block_types": ["DownEncoderBlock2D"], "force_upcast": true,
             "in_channels": 3, "latent_channels": 4, "latents_mean": null, "latents_std": null,
             "layers_per_block": 1, "mid_block_add_attention": true, "norm_num_groups": 32, "out_channels": 3,
             "sample_size": 32, "scaling_factor": 0.18215, "shift_factor": null,
             "up_block_types": ["UpDecoderBlock2D"], "use_post_quant_conv": true, "use_quant_conv": true}
            """);

    private static final ObjectNode TEXT = parse("""
            {"architectures": ["CLIPTextModel"], "attention_dropout": 0.0, "bos_token_id": 49406,
             "dtype": "float32", "eos_token_id": 49407, "hidden_act": "quick_gelu", "hidden_size": 512,
             "initializer_factor": 1.0, "initializer_range": 0.02, "intermediate_size": 2048,
             "layer_norm_eps": 1e-05, "max_position_embeddings": 77, "model_type": "clip_text_model",
             "num_attention_heads": 8, "num_hidden_layers": 12, "pad_token_id": 1, "projection_dim": 512,
             "transformers_version": "5.17.0", "vocab_size": 49408}
            """);

    /** PNDM as Stable Diffusion 1.5 ships it. */
    private static final ObjectNode PNDM = parse("""
            {"_class_name": "PNDMScheduler", "_diffusers_version": "0.40.0.dev0", "beta_end": 0.012,
             "beta_schedule": "scaled_linear", "beta_start": 0.00085, "num_train_timesteps": 1000,
             "prediction_type": "epsilon", "set_alpha_to_one": false, "skip_prk_steps": true, "steps_offset": 1,
             "timestep_spacing": "leading", "trained_betas": null}
            """);

    /** DDIM as Stable Diffusion 2.1 ships it. */
    private static final ObjectNode DDIM = parse("""
            {"_class_name": "DDIMScheduler", "_diffusers_version": "0.40.0.dev0", "beta_end": 0.012,
             "beta_schedule": "scaled_linear", "beta_start": 0.00085, "clip_sample": false, "clip_sample_range": 1.0,
             "dynamic_thresholding_ratio": 0.995, "num_train_timesteps": 1000, "prediction_type": "v_prediction",
             "rescale_betas_zero_snr": false, "sample_max_value": 1.0, "set_alpha_to_one": false, "steps_offset": 1,
             "thresholding": false, "timestep_spacing": "leading", "trained_betas": null}
            """);

    private DiffusersDefaults() {}

    static ObjectNode unet() {
        return UNET.deepCopy();
    }

    static ObjectNode vae() {
        return VAE.deepCopy();
    }

    static ObjectNode text() {
        return TEXT.deepCopy();
    }

    static ObjectNode scheduler(ModelFamily family) {
        return (family == ModelFamily.SD2 ? DDIM : PNDM).deepCopy();
    }

    /** A copy of {@code config} with every key it lacks taken from {@code defaults}. */
    static ObjectNode complete(JsonNode config, ObjectNode defaults) {
        ObjectNode out = defaults.deepCopy();
        for (Iterator<Map.Entry<String, JsonNode>> it = config.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            out.set(e.getKey(), e.getValue().deepCopy());
        }
        return out;
    }

    private static ObjectNode parse(String json) {
        try {
            return (ObjectNode) Json.MAPPER.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
