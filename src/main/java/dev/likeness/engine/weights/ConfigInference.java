package dev.likeness.engine.weights;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Arrays;
import java.util.Map;
import java.util.function.IntFunction;

/**
 * Diffusers configs for a checkpoint that comes without them, read off the parameter shapes (diffusers names).
 * What shapes cannot tell follows the family's published models: SD 1.x uses 8 attention heads in the UNet and
 * quick_gelu; SD 2.x uses 64-wide UNet heads, gelu and upcast attention. Text encoder heads are 64 wide in both.
 * The native size comes from the {@link FamilyPreset} (SD 2.x 512-base or 768-v by the prediction type).
 */
final class ConfigInference {
    private static final int HEAD_WIDTH = 64;
    private static final int SD1_UNET_HEADS = 8;

    private ConfigInference() {}

    static ObjectNode unet(Map<String, long[]> s, FamilyPreset preset, int vaeScale) throws WeightsFormatException {
        ModelFamily family = preset.family();
        ObjectNode c = DiffusersDefaults.unet();
        int levels = count(s, i -> "down_blocks." + i + ".resnets.0.conv1.weight");
        if (levels == 0) {
            throw missing("UNet", "down_blocks.0.resnets.0.conv1.weight");
        }
        ArrayNode channels = c.putArray("block_out_channels");
        ArrayNode heads = c.arrayNode();
        ArrayNode down = c.putArray("down_block_types");
        ArrayNode up = c.putArray("up_block_types");
        for (int i = 0; i < levels; i++) {
            long ch = dim(s, "UNet", "down_blocks." + i + ".resnets.0.conv1.weight", 0);
            channels.add(ch);
            heads.add(Math.max(1, ch / HEAD_WIDTH));
            down.add(s.containsKey(firstAttention("down_blocks." + i)) ? "CrossAttnDownBlock2D" : "DownBlock2D");
            up.add(s.containsKey(firstAttention("up_blocks." + i)) ? "CrossAttnUpBlock2D" : "UpBlock2D");
        }
        c.put("layers_per_block", count(s, j -> "down_blocks.0.resnets." + j + ".conv1.weight"));
        c.put("in_channels", dim(s, "UNet", "conv_in.weight", 1));
        c.put("conv_in_kernel", dim(s, "UNet", "conv_in.weight", 2));
        c.put("out_channels", dim(s, "UNet", "conv_out.weight", 0));
        c.put("conv_out_kernel", dim(s, "UNet", "conv_out.weight", 2));
        long timeDim = dim(s, "UNet", "time_embedding.linear_1.weight", 0);
        if (timeDim != 4 * channels.get(0).asLong()) {
            c.put("time_embedding_dim", timeDim);
        }
        if (!s.containsKey(firstAttention("mid_block"))) {
            c.putNull("mid_block_type");
        }
        for (Map.Entry<String, long[]> e : s.entrySet()) {
            if (e.getKey().endsWith(".attn2.to_k.weight")) {
                c.put("cross_attention_dim", e.getValue()[1]);
                String block = e.getKey().substring(0, e.getKey().indexOf(".transformer_blocks."));
                c.put("transformer_layers_per_block",
                        count(s, t -> block + ".transformer_blocks." + t + ".norm1.weight"));
                long[] projIn = s.get(block + ".proj_in.weight");
                c.put("use_linear_projection", projIn != null && projIn.length == 2);
                break;
            }
        }
        if (family == ModelFamily.SD2) {
            c.set("attention_head_dim", heads);
            c.put("upcast_attention", true);
        } else {
            c.put("attention_head_dim", SD1_UNET_HEADS);
        }
        c.put("sample_size", preset.nativeSize() / vaeScale);
        return c;
    }

    static ObjectNode vae(Map<String, long[]> s, ModelFamily family) throws WeightsFormatException {
        ObjectNode c = DiffusersDefaults.vae();
        int levels = count(s, i -> "encoder.down_blocks." + i + ".resnets.0.conv1.weight");
        if (levels == 0) {
            throw missing("VAE", "encoder.down_blocks.0.resnets.0.conv1.weight");
        }
        ArrayNode channels = c.putArray("block_out_channels");
        ArrayNode down = c.putArray("down_block_types");
        ArrayNode up = c.putArray("up_block_types");
        for (int i = 0; i < levels; i++) {
            channels.add(dim(s, "VAE", "encoder.down_blocks." + i + ".resnets.0.conv1.weight", 0));
            down.add("DownEncoderBlock2D");
            up.add("UpDecoderBlock2D");
        }
        c.put("layers_per_block", count(s, j -> "encoder.down_blocks.0.resnets." + j + ".conv1.weight"));
        c.put("in_channels", dim(s, "VAE", "encoder.conv_in.weight", 1));
        c.put("out_channels", dim(s, "VAE", "decoder.conv_out.weight", 0));
        c.put("latent_channels", dim(s, "VAE", "decoder.conv_in.weight", 1));
        c.put("use_quant_conv", s.containsKey("quant_conv.weight"));
        c.put("use_post_quant_conv", s.containsKey("post_quant_conv.weight"));
        c.put("mid_block_add_attention", s.containsKey("encoder.mid_block.attentions.0.to_q.weight"));
        c.put("sample_size", family == ModelFamily.SD2 ? 768 : 512);
        return c;
    }

    /** How many pixels one latent cell covers: 2 to the power of the VAE's downsampling levels. */
    static int vaeScale(Map<String, long[]> vaeShapes) {
        int levels = count(vaeShapes, i -> "encoder.down_blocks." + i + ".resnets.0.conv1.weight");
        return 1 << Math.max(0, levels - 1);
    }

    static ObjectNode text(Map<String, long[]> s, ModelFamily family) throws WeightsFormatException {
        ObjectNode c = DiffusersDefaults.text();
        String embedding = "text_model.embeddings.token_embedding.weight";
        long hidden = dim(s, "text encoder", embedding, 1);
        c.put("vocab_size", dim(s, "text encoder", embedding, 0));
        c.put("hidden_size", hidden);
        c.put("projection_dim", hidden);
        c.put("max_position_embeddings", dim(s, "text encoder", "text_model.embeddings.position_embedding.weight", 0));
        c.put("intermediate_size", dim(s, "text encoder", "text_model.encoder.layers.0.mlp.fc1.weight", 0));
        c.put("num_hidden_layers", count(s, i -> "text_model.encoder.layers." + i + ".mlp.fc1.weight"));
        c.put("num_attention_heads", Math.max(1, hidden / HEAD_WIDTH));
        c.put("hidden_act", family == ModelFamily.SD2 ? "gelu" : "quick_gelu");
        c.put("pad_token_id", FamilyPreset.of(family, "epsilon").padTokenId());
        return c;
    }

    private static String firstAttention(String block) {
        return block + ".attentions.0.proj_in.weight";
    }

    private static int count(Map<String, long[]> s, IntFunction<String> name) {
        int n = 0;
        while (s.containsKey(name.apply(n))) {
            n++;
        }
        return n;
    }

    private static long dim(Map<String, long[]> s, String component, String name, int axis)
            throws WeightsFormatException {
        long[] shape = s.get(name);
        if (shape == null) {
            throw missing(component, name);
        }
        if (shape.length <= axis) {
            throw new WeightsFormatException(component + " parameter '" + name + "' has shape "
                    + Arrays.toString(shape) + ", too few dimensions");
        }
        return shape[axis];
    }

    private static WeightsFormatException missing(String component, String name) {
        return new WeightsFormatException(component + " parameter '" + name + "' is missing");
    }
}
