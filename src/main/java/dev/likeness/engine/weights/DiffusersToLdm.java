package dev.likeness.engine.weights;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * diffusers names back to original (LDM, "single-file") names: the inverse of {@link LdmUnetNames},
 * {@link LdmVaeNames}, {@link LdmClipNames} and {@link OpenClipNames}. The one-to-one prefix tables are theirs, read
 * backwards ({@link PrefixPairs#toLdm}); only the block index arithmetic is written here. {@link SingleFileWriter}
 * checks every result by planning it forward again, so the two directions cannot drift apart unnoticed.
 */
final class DiffusersToLdm {
    private static final List<NameRule> RESNET_PARTS = LdmUnetNames.RESNET_PARTS.toLdm();
    private static final List<NameRule> VAE_RESNET_PARTS = LdmVaeNames.RESNET_PARTS.toLdm();
    private static final List<NameRule> VAE_ATTENTION_PARTS = LdmVaeNames.ATTENTION_PARTS.toLdm();
    private static final List<NameRule> OPENCLIP_BLOCK_PARTS = OpenClipNames.BLOCK_PARTS.toLdm();

    private static final Pattern QKV = Pattern.compile(
            "text_model\\.encoder\\.layers\\.(\\d+)\\.self_attn\\.(q|k|v)_proj\\.(weight|bias)");
    private static final Pattern VAE_ATTENTION_WEIGHT =
            Pattern.compile(".*\\.mid\\.attn_1\\.(q|k|v|proj_out)\\.weight");
    private static final Pattern DECODER_UP = Pattern.compile("decoder\\.up_blocks\\.(\\d+)\\..*");

    private DiffusersToLdm() {}

    /** UNet names under {@code model.diffusion_model.*}; {@code layersPerBlock} is the config's. */
    static Map<String, String> unetNames(Collection<String> names, int layersPerBlock) throws WeightsFormatException {
        int per = layersPerBlock + 1;
        List<NameRule> rules = NameRule.concat(LdmUnetNames.FIXED_BLOCKS.toLdm(), List.of(
                NameRule.of("down_blocks\\.(\\d+)\\.resnets\\.(\\d+)\\.(.+)", m -> resnet(
                        "input_blocks." + (1 + NameRule.group(m, 1) * per + NameRule.group(m, 2)) + ".0.", m.group(3))),
                NameRule.of("down_blocks\\.(\\d+)\\.attentions\\.(\\d+)\\.(.+)", m -> "input_blocks."
                        + (1 + NameRule.group(m, 1) * per + NameRule.group(m, 2)) + ".1." + m.group(3)),
                NameRule.of("down_blocks\\.(\\d+)\\.downsamplers\\.0\\.conv\\.(.+)", m -> "input_blocks."
                        + (1 + NameRule.group(m, 1) * per + layersPerBlock) + ".0.op." + m.group(2)),
                NameRule.of("mid_block\\.resnets\\.0\\.(.+)", m -> resnet("middle_block.0.", m.group(1))),
                NameRule.of("mid_block\\.resnets\\.1\\.(.+)", m -> resnet("middle_block.2.", m.group(1))),
                NameRule.of("up_blocks\\.(\\d+)\\.resnets\\.(\\d+)\\.(.+)", m -> resnet(
                        "output_blocks." + (NameRule.group(m, 1) * per + NameRule.group(m, 2)) + ".0.", m.group(3))),
                NameRule.of("up_blocks\\.(\\d+)\\.attentions\\.(\\d+)\\.(.+)", m -> "output_blocks."
                        + (NameRule.group(m, 1) * per + NameRule.group(m, 2)) + ".1." + m.group(3)),
                // the upsampler follows the block's last resnet (index 1), or its last attention (index 2)
                NameRule.of("up_blocks\\.(\\d+)\\.upsamplers\\.0\\.conv\\.(.+)", m -> "output_blocks."
                        + (NameRule.group(m, 1) * per + layersPerBlock) + "."
                        + (hasAttention(names, "up_blocks." + m.group(1)) ? 2 : 1) + ".conv." + m.group(2))));
        return renameAll(names, rules, LdmUnetNames.PREFIX, "UNet");
    }

    /** VAE names under {@code first_stage_model.*} (LDM numbers decoder levels in reverse). */
    static Map<String, String> vaeNames(Collection<String> names) throws WeightsFormatException {
        int levels = 0;
        for (String name : names) {
            Matcher m = DECODER_UP.matcher(name);
            if (m.matches()) {
                levels = Math.max(levels, NameRule.group(m, 1) + 1);
            }
        }
        int n = levels;
        List<NameRule> rules = NameRule.concat(LdmVaeNames.UNCHANGED, List.of(
                NameRule.of("(encoder|decoder)\\.conv_norm_out\\.(.+)", m -> m.group(1) + ".norm_out." + m.group(2)),
                NameRule.of("encoder\\.down_blocks\\.(\\d+)\\.resnets\\.(\\d+)\\.(.+)", m -> vaeResnet(
                        "encoder.down." + m.group(1) + ".block." + m.group(2) + ".", m.group(3))),
                NameRule.of("encoder\\.down_blocks\\.(\\d+)\\.downsamplers\\.0\\.conv\\.(.+)",
                        m -> "encoder.down." + m.group(1) + ".downsample.conv." + m.group(2)),
                NameRule.of("decoder\\.up_blocks\\.(\\d+)\\.resnets\\.(\\d+)\\.(.+)", m -> vaeResnet(
                        "decoder.up." + (n - 1 - NameRule.group(m, 1)) + ".block." + m.group(2) + ".", m.group(3))),
                NameRule.of("decoder\\.up_blocks\\.(\\d+)\\.upsamplers\\.0\\.conv\\.(.+)",
                        m -> "decoder.up." + (n - 1 - NameRule.group(m, 1)) + ".upsample.conv." + m.group(2)),
                NameRule.of("(encoder|decoder)\\.mid_block\\.resnets\\.([01])\\.(.+)", m -> vaeResnet(
                        m.group(1) + ".mid.block_" + (NameRule.group(m, 2) + 1) + ".", m.group(3))),
                NameRule.of("(encoder|decoder)\\.mid_block\\.attentions\\.0\\.(.+)", m -> {
                    String part = NameRule.apply(VAE_ATTENTION_PARTS, m.group(2));
                    return part == null ? null : m.group(1) + ".mid.attn_1." + part;
                })));
        return renameAll(names, rules, LdmVaeNames.PREFIX, "VAE");
    }

    /**
     * Text encoder names: SD 1.x keeps Hugging Face's names under {@code cond_stage_model.transformer.*}; SD 2.x
     * uses OpenCLIP's, where q, k and v all map to the layer's fused {@code in_proj_weight/bias}.
     */
    static Map<String, String> textNames(Collection<String> names, ModelFamily family) throws WeightsFormatException {
        if (family == ModelFamily.SD1) {
            Map<String, String> out = new LinkedHashMap<>();
            names.forEach(n -> out.put(n, LdmClipNames.PREFIX + n));
            return out;
        }
        List<NameRule> rules = List.of(
                NameRule.of("text_model\\.embeddings\\.token_embedding\\.weight", m -> "token_embedding.weight"),
                NameRule.of("text_model\\.embeddings\\.position_embedding\\.weight", m -> "positional_embedding"),
                NameRule.prefix("text_model.final_layer_norm.", "ln_final."),
                NameRule.of("text_model\\.encoder\\.layers\\.(\\d+)\\.self_attn\\.[qkv]_proj\\.(weight|bias)",
                        m -> "transformer.resblocks." + m.group(1) + ".attn.in_proj_" + m.group(2)),
                NameRule.of("text_model\\.encoder\\.layers\\.(\\d+)\\.(.+)", m -> {
                    String part = NameRule.apply(OPENCLIP_BLOCK_PARTS, m.group(2));
                    return part == null ? null : "transformer.resblocks." + m.group(1) + "." + part;
                }));
        return renameAll(names, rules, OpenClipNames.PREFIX, "text encoder");
    }

    /**
     * The tensors under their single-file names. Parameters that share a name (OpenCLIP's q, k, v) are concatenated
     * in q, k, v order; VAE attention weights become 1x1 convolution kernels as LDM stores them.
     */
    static Map<String, NDArray> tensors(Map<String, NDArray> params, Map<String, String> names)
            throws WeightsFormatException {
        Map<String, List<String>> grouped = new LinkedHashMap<>();
        for (String name : params.keySet()) {
            grouped.computeIfAbsent(names.get(name), k -> new java.util.ArrayList<>()).add(name);
        }
        Map<String, NDArray> out = new LinkedHashMap<>();
        for (Map.Entry<String, List<String>> e : grouped.entrySet()) {
            List<String> parts = e.getValue();
            if (parts.size() != 1 && parts.size() != 3) {
                throw new WeightsFormatException(e.getKey() + " would be made of " + parts.size() + " parameters");
            }
            parts.sort(java.util.Comparator.comparingInt(DiffusersToLdm::qkvIndex));
            NDList arrays = new NDList();
            parts.forEach(n -> arrays.add(params.get(n)));
            NDArray a = arrays.size() == 1 ? arrays.get(0) : NDArrays.concat(arrays, 0);
            if (VAE_ATTENTION_WEIGHT.matcher(e.getKey()).matches() && a.getShape().dimension() == 2) {
                a = a.reshape(a.getShape().get(0), a.getShape().get(1), 1, 1);
            }
            out.put(e.getKey(), a);
        }
        return out;
    }

    /** 0, 1, 2 for a q, k, v projection (the order OpenCLIP fuses them in); 0 for anything else. */
    private static int qkvIndex(String name) {
        Matcher m = QKV.matcher(name);
        return m.matches() ? "qkv".indexOf(m.group(2)) : 0;
    }

    private static Map<String, String> renameAll(Collection<String> names, List<NameRule> rules, String prefix,
            String component) throws WeightsFormatException {
        Map<String, String> out = new LinkedHashMap<>();
        for (String name : names) {
            String renamed = NameRule.apply(rules, name);
            if (renamed == null) {
                throw new WeightsFormatException(component + " parameter '" + name
                        + "' has no single-file name (not part of an SD 1.x/2.x model)");
            }
            out.put(name, prefix + renamed);
        }
        return out;
    }

    private static String resnet(String block, String part) {
        String renamed = NameRule.apply(RESNET_PARTS, part);
        return renamed == null ? null : block + renamed;
    }

    private static String vaeResnet(String block, String part) {
        String renamed = NameRule.apply(VAE_RESNET_PARTS, part);
        return renamed == null ? null : block + renamed;
    }

    private static boolean hasAttention(Collection<String> names, String block) {
        String prefix = block + ".attentions.";
        return names.stream().anyMatch(n -> n.startsWith(prefix));
    }
}
