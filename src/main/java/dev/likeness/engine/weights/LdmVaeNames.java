package dev.likeness.engine.weights;

import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * LDM autoencoder names ({@code first_stage_model.*}) to diffusers AutoencoderKL names. The LDM decoder numbers its
 * up levels from the lowest resolution's end ({@code up.0} runs last), diffusers in running order, so decoder levels
 * are reversed. The mid-block attention stores q/k/v/proj_out as 1x1 convolutions; diffusers uses Linear layers.
 */
final class LdmVaeNames implements LdmComponentNames {
    static final String PREFIX = "first_stage_model.";

    /** Inside a resnet block. */
    static final PrefixPairs RESNET_PARTS = PrefixPairs.of(
            "norm1.", "norm1.",
            "conv1.", "conv1.",
            "norm2.", "norm2.",
            "conv2.", "conv2.",
            "nin_shortcut.", "conv_shortcut.");

    /** Inside the mid-block attention. */
    static final PrefixPairs ATTENTION_PARTS = PrefixPairs.of(
            "norm.", "group_norm.",
            "q.", "to_q.",
            "k.", "to_k.",
            "v.", "to_v.",
            "proj_out.", "to_out.0.");

    /** Names both conventions share. */
    static final List<NameRule> UNCHANGED = List.of(
            NameRule.of("(encoder|decoder)\\.(conv_in|conv_out)\\.(.+)", m -> m.group(0)),
            NameRule.of("(quant_conv|post_quant_conv)\\.(.+)", m -> m.group(0)));

    private static final List<NameRule> RESNET_RULES = RESNET_PARTS.toDiffusers();
    private static final List<NameRule> ATTENTION_RULES = ATTENTION_PARTS.toDiffusers();

    private static final Pattern DECODER_LEVEL = Pattern.compile("decoder\\.up\\.(\\d+)\\..*");
    private static final Pattern ATTENTION_WEIGHT =
            Pattern.compile(".*\\.attentions\\.\\d+\\.to_(q|k|v|out\\.0)\\.weight");

    private final List<NameRule> rules;

    /** {@code levels}: how many resolution levels the decoder has (needed to reverse them). */
    LdmVaeNames(int levels) {
        rules = NameRule.concat(UNCHANGED, List.of(
                NameRule.of("(encoder|decoder)\\.norm_out\\.(.+)", m -> m.group(1) + ".conv_norm_out." + m.group(2)),
                NameRule.of("encoder\\.down\\.(\\d+)\\.block\\.(\\d+)\\.(.+)",
                        m -> resnet("encoder.down_blocks." + m.group(1) + ".resnets." + m.group(2), m.group(3))),
                NameRule.of("encoder\\.down\\.(\\d+)\\.downsample\\.conv\\.(.+)",
                        m -> "encoder.down_blocks." + m.group(1) + ".downsamplers.0.conv." + m.group(2)),
                NameRule.of("decoder\\.up\\.(\\d+)\\.block\\.(\\d+)\\.(.+)",
                        m -> resnet(up(m, levels) + ".resnets." + m.group(2), m.group(3))),
                NameRule.of("decoder\\.up\\.(\\d+)\\.upsample\\.conv\\.(.+)",
                        m -> up(m, levels) + ".upsamplers.0.conv." + m.group(2)),
                NameRule.of("(encoder|decoder)\\.mid\\.block_1\\.(.+)",
                        m -> resnet(m.group(1) + ".mid_block.resnets.0", m.group(2))),
                NameRule.of("(encoder|decoder)\\.mid\\.block_2\\.(.+)",
                        m -> resnet(m.group(1) + ".mid_block.resnets.1", m.group(2))),
                NameRule.of("(encoder|decoder)\\.mid\\.attn_1\\.(.+)", m -> {
                    String part = NameRule.apply(ATTENTION_RULES, m.group(2));
                    return part == null ? null : m.group(1) + ".mid_block.attentions.0." + part;
                })));
    }

    private static String up(Matcher m, int levels) {
        return "decoder.up_blocks." + (levels - 1 - NameRule.group(m, 1));
    }

    private static String resnet(String block, String part) {
        String renamed = NameRule.apply(RESNET_RULES, part);
        return renamed == null ? null : block + "." + renamed;
    }

    static int decoderLevels(Set<String> localNames) {
        return NameRule.countIndexed(DECODER_LEVEL, localNames);
    }

    @Override
    public String prefix() {
        return PREFIX;
    }

    /** Training-only losses (LPIPS, discriminator, logvar) that some checkpoints carry along. */
    @Override
    public boolean ignored(String local) {
        return local.startsWith("loss.");
    }

    @Override
    public List<TensorRoute> routes(String local, long[] shape) throws WeightsFormatException {
        String target = NameRule.apply(rules, local);
        if (target == null) {
            return List.of();
        }
        TensorTransform transform = ATTENTION_WEIGHT.matcher(target).matches() && shape.length == 4
                ? new TensorTransform.SqueezeConv1x1()
                : new TensorTransform.Copy();
        return List.of(TensorRoute.of(target, PREFIX + local, shape, transform));
    }
}
