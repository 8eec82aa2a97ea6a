package dev.likeness.engine.model.unet;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/** The fields of a diffusers UNet2DConditionModel config that SD 1.x/2.x use. */
public record UNetConfig(int inChannels, int outChannels, int[] blockOutChannels, int layersPerBlock,
        List<String> downBlockTypes, List<String> upBlockTypes, int crossAttentionDim, int[] headsPerBlock,
        boolean useLinearProjection, boolean upcastAttention, int normGroups, float normEps, boolean flipSinToCos,
        int freqShift, int sampleSize) {

    public static UNetConfig from(JsonNode c) {
        int[] channels = ints(c.path("block_out_channels"));
        // diffusers passes attention_head_dim as the number of heads when num_attention_heads is absent
        JsonNode headsNode = c.path("num_attention_heads").isNull() || c.path("num_attention_heads").isMissingNode()
                ? c.path("attention_head_dim") : c.path("num_attention_heads");
        int[] heads = new int[channels.length];
        for (int i = 0; i < heads.length; i++) {
            heads[i] = headsNode.isArray() ? headsNode.get(i).asInt() : headsNode.asInt(8);
        }
        checkSupported(c);
        return new UNetConfig(c.path("in_channels").asInt(4), c.path("out_channels").asInt(4), channels,
                c.path("layers_per_block").asInt(2), strings(c.path("down_block_types")),
                strings(c.path("up_block_types")), c.path("cross_attention_dim").asInt(768), heads,
                c.path("use_linear_projection").asBoolean(false), c.path("upcast_attention").asBoolean(false),
                c.path("norm_num_groups").asInt(32), (float) c.path("norm_eps").asDouble(1e-5),
                c.path("flip_sin_to_cos").asBoolean(true), c.path("freq_shift").asInt(0),
                c.path("sample_size").asInt(64));
    }

    private static void checkSupported(JsonNode c) {
        for (String key : List.of("class_embed_type", "addition_embed_type", "time_cond_proj_dim", "encoder_hid_dim")) {
            if (!c.path(key).isMissingNode() && !c.path(key).isNull()) {
                throw new IllegalArgumentException("unsupported UNet feature '" + key + "' (SD 1.x/2.x only)");
            }
        }
        JsonNode tl = c.path("transformer_layers_per_block");
        if (!tl.isMissingNode() && !(tl.isInt() && tl.asInt() == 1)) {
            throw new IllegalArgumentException("unsupported transformer_layers_per_block " + tl + " (SD 1.x/2.x only)");
        }
    }

    private static int[] ints(JsonNode n) {
        int[] out = new int[n.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = n.get(i).asInt();
        }
        return out;
    }

    private static List<String> strings(JsonNode n) {
        List<String> out = new ArrayList<>();
        n.forEach(x -> out.add(x.asText()));
        return out;
    }

    public int timeEmbedDim() {
        return blockOutChannels[0] * 4;
    }
}
