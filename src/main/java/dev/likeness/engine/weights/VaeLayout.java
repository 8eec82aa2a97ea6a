package dev.likeness.engine.weights;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;

/** The parameter names and shapes of a diffusers AutoencoderKL, as its config defines them. */
final class VaeLayout {
    private final ParamShapes p = new ParamShapes();

    private VaeLayout() {}

    /** @param config a complete config (see {@link DiffusersDefaults#complete}) */
    static Map<String, long[]> of(JsonNode config, String configName) throws WeightsFormatException {
        ConfigFields c = new ConfigFields(config, configName);
        List<Integer> channels = c.integers("block_out_channels");
        int n = channels.size();
        for (String type : c.texts("down_block_types", n)) {
            c.require("down_block_types", type.equals("DownEncoderBlock2D"));
        }
        for (String type : c.texts("up_block_types", n)) {
            c.require("up_block_types", type.equals("UpDecoderBlock2D"));
        }
        int layers = c.integer("layers_per_block");
        int latent = c.integer("latent_channels");
        boolean midAttention = c.bool("mid_block_add_attention");
        int first = channels.get(0);
        int last = channels.get(n - 1);
        VaeLayout l = new VaeLayout();

        l.p.conv("encoder.conv_in", first, c.integer("in_channels"), 3);
        int output = first;
        for (int i = 0; i < n; i++) {
            int input = output;
            output = channels.get(i);
            for (int j = 0; j < layers; j++) {
                l.resnet("encoder.down_blocks." + i + ".resnets." + j, j == 0 ? input : output, output);
            }
            if (i < n - 1) {
                l.p.conv("encoder.down_blocks." + i + ".downsamplers.0.conv", output, output, 3);
            }
        }
        l.midBlock("encoder.mid_block", last, midAttention);
        l.p.norm("encoder.conv_norm_out", last);
        l.p.conv("encoder.conv_out", 2L * latent, last, 3);

        l.p.conv("decoder.conv_in", last, latent, 3);
        l.midBlock("decoder.mid_block", last, midAttention);
        output = last;
        for (int i = 0; i < n; i++) {
            int previous = output;
            output = channels.get(n - 1 - i);
            for (int j = 0; j < layers + 1; j++) {
                l.resnet("decoder.up_blocks." + i + ".resnets." + j, j == 0 ? previous : output, output);
            }
            if (i < n - 1) {
                l.p.conv("decoder.up_blocks." + i + ".upsamplers.0.conv", output, output, 3);
            }
        }
        l.p.norm("decoder.conv_norm_out", first);
        l.p.conv("decoder.conv_out", c.integer("out_channels"), first, 3);

        if (c.bool("use_quant_conv")) {
            l.p.conv("quant_conv", 2L * latent, 2L * latent, 1);
        }
        if (c.bool("use_post_quant_conv")) {
            l.p.conv("post_quant_conv", latent, latent, 1);
        }
        return l.p.build();
    }

    private void resnet(String prefix, long in, long out) {
        p.norm(prefix + ".norm1", in);
        p.conv(prefix + ".conv1", out, in, 3);
        p.norm(prefix + ".norm2", out);
        p.conv(prefix + ".conv2", out, out, 3);
        if (in != out) {
            p.conv(prefix + ".conv_shortcut", out, in, 1);
        }
    }

    private void midBlock(String prefix, long channels, boolean attention) {
        resnet(prefix + ".resnets.0", channels, channels);
        if (attention) {
            String a = prefix + ".attentions.0";
            p.norm(a + ".group_norm", channels);
            p.linear(a + ".to_q", channels, channels, true);
            p.linear(a + ".to_k", channels, channels, true);
            p.linear(a + ".to_v", channels, channels, true);
            p.linear(a + ".to_out.0", channels, channels, true);
        }
        resnet(prefix + ".resnets.1", channels, channels);
    }
}
