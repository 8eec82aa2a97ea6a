package dev.likeness.engine.weights;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/** The parameter names and shapes of a diffusers UNet2DConditionModel, as its config defines them. */
final class UnetLayout {
    private final ParamShapes p = new ParamShapes();
    private final long timeDim;
    private final boolean linearProjection;

    private UnetLayout(long timeDim, boolean linearProjection) {
        this.timeDim = timeDim;
        this.linearProjection = linearProjection;
    }

    /** @param config a complete config (see {@link DiffusersDefaults#complete}) */
    static Map<String, long[]> of(JsonNode config, String configName) throws WeightsFormatException {
        ConfigFields c = new ConfigFields(config, configName);
        c.require("time_embedding_type", "positional".equals(config.path("time_embedding_type").asText()));
        c.require("resnet_time_scale_shift", "default".equals(config.path("resnet_time_scale_shift").asText()));
        for (String option : List.of("class_embed_type", "addition_embed_type", "encoder_hid_dim_type",
                "time_cond_proj_dim", "reverse_transformer_layers_per_block")) {
            c.require(option, c.isNull(option));
        }
        c.require("only_cross_attention", !config.path("only_cross_attention").asBoolean(false));
        c.require("dual_cross_attention", !config.path("dual_cross_attention").asBoolean(false));

        List<Integer> channels = c.integers("block_out_channels");
        int n = channels.size();
        List<String> down = c.texts("down_block_types", n);
        List<String> up = c.texts("up_block_types", n);
        List<Integer> layers = c.perBlock("layers_per_block", n);
        List<Integer> cross = c.perBlock("cross_attention_dim", n);
        List<Integer> depth = c.perBlock("transformer_layers_per_block", n);
        long timeDim = c.isNull("time_embedding_dim") ? 4L * channels.get(0) : c.integer("time_embedding_dim");
        UnetLayout l = new UnetLayout(timeDim, c.bool("use_linear_projection"));

        int in = c.integer("in_channels");
        int convIn = c.integer("conv_in_kernel");
        l.p.conv("conv_in", channels.get(0), in, convIn);
        l.p.linear("time_embedding.linear_1", timeDim, channels.get(0), true);
        l.p.linear("time_embedding.linear_2", timeDim, timeDim, true);

        int output = channels.get(0);
        for (int i = 0; i < n; i++) {
            int input = output;
            output = channels.get(i);
            boolean attention =
                    crossAttention(c, "down_block_types", down.get(i), "CrossAttnDownBlock2D", "DownBlock2D");
            String block = "down_blocks." + i;
            for (int j = 0; j < layers.get(i); j++) {
                l.resnet(block + ".resnets." + j, j == 0 ? input : output, output);
                if (attention) {
                    l.transformer(block + ".attentions." + j, output, cross.get(i), depth.get(i));
                }
            }
            if (i < n - 1) {
                l.p.conv(block + ".downsamplers.0.conv", output, output, 3);
            }
        }

        int last = channels.get(n - 1);
        String mid = config.path("mid_block_type").asText();
        c.require("mid_block_type", "UNetMidBlock2DCrossAttn".equals(mid));
        l.resnet("mid_block.resnets.0", last, last);
        l.transformer("mid_block.attentions.0", last, cross.get(n - 1), depth.get(n - 1));
        l.resnet("mid_block.resnets.1", last, last);

        List<Integer> reversed = reversed(channels);
        List<Integer> reversedLayers = reversed(layers);
        List<Integer> reversedCross = reversed(cross);
        List<Integer> reversedDepth = reversed(depth);
        output = reversed.get(0);
        for (int i = 0; i < n; i++) {
            int previous = output;
            output = reversed.get(i);
            int input = reversed.get(Math.min(i + 1, n - 1));
            boolean attention = crossAttention(c, "up_block_types", up.get(i), "CrossAttnUpBlock2D", "UpBlock2D");
            String block = "up_blocks." + i;
            int count = reversedLayers.get(i) + 1;
            for (int j = 0; j < count; j++) {
                int skip = j == count - 1 ? input : output;
                int resnetIn = j == 0 ? previous : output;
                l.resnet(block + ".resnets." + j, resnetIn + skip, output);
                if (attention) {
                    l.transformer(block + ".attentions." + j, output, reversedCross.get(i), reversedDepth.get(i));
                }
            }
            if (i < n - 1) {
                l.p.conv(block + ".upsamplers.0.conv", output, output, 3);
            }
        }

        l.p.norm("conv_norm_out", channels.get(0));
        l.p.conv("conv_out", c.integer("out_channels"), channels.get(0), c.integer("conv_out_kernel"));
        return l.p.build();
    }

    private static boolean crossAttention(ConfigFields c, String key, String type, String withAttention,
            String plain) throws WeightsFormatException {
        c.require(key, type.equals(withAttention) || type.equals(plain));
        return type.equals(withAttention);
    }

    private void resnet(String prefix, long in, long out) {
        p.norm(prefix + ".norm1", in);
        p.conv(prefix + ".conv1", out, in, 3);
        p.linear(prefix + ".time_emb_proj", out, timeDim, true);
        p.norm(prefix + ".norm2", out);
        p.conv(prefix + ".conv2", out, out, 3);
        if (in != out) {
            p.conv(prefix + ".conv_shortcut", out, in, 1);
        }
    }

    private void transformer(String prefix, long channels, long crossDim, int depth) {
        p.norm(prefix + ".norm", channels);
        projection(prefix + ".proj_in", channels);
        for (int t = 0; t < depth; t++) {
            String b = prefix + ".transformer_blocks." + t;
            p.norm(b + ".norm1", channels);
            attention(b + ".attn1", channels, channels);
            p.norm(b + ".norm2", channels);
            attention(b + ".attn2", channels, crossDim);
            p.norm(b + ".norm3", channels);
            // GEGLU: one projection produces the value and the gate, 4x the width each.
            p.linear(b + ".ff.net.0.proj", 8 * channels, channels, true);
            p.linear(b + ".ff.net.2", channels, 4 * channels, true);
        }
        projection(prefix + ".proj_out", channels);
    }

    private void attention(String prefix, long channels, long contextDim) {
        p.linear(prefix + ".to_q", channels, channels, false);
        p.linear(prefix + ".to_k", channels, contextDim, false);
        p.linear(prefix + ".to_v", channels, contextDim, false);
        p.linear(prefix + ".to_out.0", channels, channels, true);
    }

    private void projection(String prefix, long channels) {
        if (linearProjection) {
            p.linear(prefix, channels, channels, true);
        } else {
            p.conv(prefix, channels, channels, 1);
        }
    }

    private static <T> List<T> reversed(List<T> list) {
        List<T> out = new ArrayList<>(list);
        Collections.reverse(out);
        return out;
    }
}
