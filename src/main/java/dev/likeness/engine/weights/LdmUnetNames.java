package dev.likeness.engine.weights;

import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * LDM UNet names ({@code model.diffusion_model.*}) to diffusers UNet2DConditionModel names. The LDM UNet numbers
 * its blocks flat: {@code input_blocks.0} is conv_in, then every level has layers_per_block resnet(+attention)
 * blocks followed by one downsampler block; {@code output_blocks} has layers_per_block + 1 blocks per level, the
 * upsampler sitting after the resnet (index 1) or after the attention (index 2).
 */
final class LdmUnetNames implements LdmComponentNames {
    static final String PREFIX = "model.diffusion_model.";

    /** Inside a resnet block. */
    static final PrefixPairs RESNET_PARTS = PrefixPairs.of(
            "in_layers.0.", "norm1.",
            "in_layers.2.", "conv1.",
            "emb_layers.1.", "time_emb_proj.",
            "out_layers.0.", "norm2.",
            "out_layers.3.", "conv2.",
            "skip_connection.", "conv_shortcut.");

    /** The blocks whose names need no index arithmetic. */
    static final PrefixPairs FIXED_BLOCKS = PrefixPairs.of(
            "time_embed.0.", "time_embedding.linear_1.",
            "time_embed.2.", "time_embedding.linear_2.",
            "input_blocks.0.0.", "conv_in.",
            "middle_block.1.", "mid_block.attentions.0.",
            "out.0.", "conv_norm_out.",
            "out.2.", "conv_out.");

    private static final List<NameRule> RESNET_RULES = RESNET_PARTS.toDiffusers();

    private static final Pattern INPUT_BLOCK = Pattern.compile("input_blocks\\.(\\d+)\\..*");
    private static final Pattern DOWNSAMPLER = Pattern.compile("input_blocks\\.(\\d+)\\.0\\.op\\..*");

    private final List<NameRule> rules;

    LdmUnetNames(int layersPerBlock) {
        int per = layersPerBlock + 1;
        rules = NameRule.concat(FIXED_BLOCKS.toDiffusers(), List.of(
                NameRule.of("input_blocks\\.([1-9]\\d*)\\.0\\.op\\.(.+)",
                        m -> down(m, per) + ".downsamplers.0.conv." + m.group(2)),
                NameRule.of("input_blocks\\.([1-9]\\d*)\\.0\\.(.+)",
                        m -> resnet(down(m, per) + ".resnets." + (NameRule.group(m, 1) - 1) % per, m.group(2))),
                NameRule.of("input_blocks\\.([1-9]\\d*)\\.1\\.(.+)",
                        m -> down(m, per) + ".attentions." + (NameRule.group(m, 1) - 1) % per + "." + m.group(2)),
                NameRule.of("middle_block\\.0\\.(.+)", m -> resnet("mid_block.resnets.0", m.group(1))),
                NameRule.of("middle_block\\.2\\.(.+)", m -> resnet("mid_block.resnets.1", m.group(1))),
                NameRule.of("output_blocks\\.(\\d+)\\.0\\.(.+)",
                        m -> resnet(up(m, per) + ".resnets." + NameRule.group(m, 1) % per, m.group(2))),
                NameRule.of("output_blocks\\.(\\d+)\\.[12]\\.conv\\.(.+)",
                        m -> up(m, per) + ".upsamplers.0.conv." + m.group(2)),
                NameRule.of("output_blocks\\.(\\d+)\\.1\\.(.+)",
                        m -> up(m, per) + ".attentions." + NameRule.group(m, 1) % per + "." + m.group(2))));
    }

    private static String down(Matcher m, int per) {
        return "down_blocks." + (NameRule.group(m, 1) - 1) / per;
    }

    private static String up(Matcher m, int per) {
        return "up_blocks." + NameRule.group(m, 1) / per;
    }

    private static String resnet(String block, String part) {
        String renamed = NameRule.apply(RESNET_RULES, part);
        return renamed == null ? null : block + "." + renamed;
    }

    /** layers_per_block, read from where the first downsampler sits (or the block count if there is none). */
    static int layersPerBlock(Set<String> localNames) throws WeightsFormatException {
        int firstDownsampler = Integer.MAX_VALUE;
        int lastBlock = -1;
        for (String name : localNames) {
            Matcher op = DOWNSAMPLER.matcher(name);
            if (op.matches()) {
                firstDownsampler = Math.min(firstDownsampler, NameRule.group(op, 1));
            }
            Matcher block = INPUT_BLOCK.matcher(name);
            if (block.matches()) {
                lastBlock = Math.max(lastBlock, NameRule.group(block, 1));
            }
        }
        int layers = firstDownsampler != Integer.MAX_VALUE ? firstDownsampler - 1 : lastBlock;
        if (layers < 1) {
            throw new WeightsFormatException("UNet input blocks are not laid out as in Stable Diffusion");
        }
        return layers;
    }

    @Override
    public String prefix() {
        return PREFIX;
    }

    @Override
    public boolean ignored(String local) {
        return false;
    }

    @Override
    public List<TensorRoute> routes(String local, long[] shape) throws WeightsFormatException {
        String target = NameRule.apply(rules, local);
        if (target == null) {
            return List.of();
        }
        return List.of(TensorRoute.of(target, PREFIX + local, shape, new TensorTransform.Copy()));
    }
}
