package dev.likeness.engine.model.vae;

import com.fasterxml.jackson.databind.JsonNode;

/** The fields of a diffusers AutoencoderKL config. */
public record VaeConfig(int inChannels, int outChannels, int latentChannels, int[] blockOutChannels,
        int layersPerBlock, int normGroups, float scalingFactor, boolean useQuantConv, boolean usePostQuantConv) {

    public static VaeConfig from(JsonNode c) {
        JsonNode b = c.path("block_out_channels");
        int[] ch = new int[b.size()];
        for (int i = 0; i < ch.length; i++) {
            ch[i] = b.get(i).asInt();
        }
        if (!c.path("mid_block_add_attention").asBoolean(true)) {
            throw new IllegalArgumentException("unsupported VAE without mid-block attention");
        }
        return new VaeConfig(c.path("in_channels").asInt(3), c.path("out_channels").asInt(3),
                c.path("latent_channels").asInt(4), ch, c.path("layers_per_block").asInt(2),
                c.path("norm_num_groups").asInt(32), (float) c.path("scaling_factor").asDouble(0.18215),
                c.path("use_quant_conv").asBoolean(true), c.path("use_post_quant_conv").asBoolean(true));
    }
}
