package dev.likeness.engine.weights;

import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The SD 2.x text encoder in a single file ({@code cond_stage_model.model.*}, OpenCLIP naming) to Hugging Face
 * CLIPTextModel names. OpenCLIP fuses the q/k/v projections into {@code attn.in_proj_weight/bias}; they are split
 * in q, k, v order. Blocks from {@code keptBlocks} on are dropped (SD 2.x conditions on the penultimate layer).
 */
final class OpenClipNames implements LdmComponentNames {
    static final String PREFIX = "cond_stage_model.model.";

    private static final Pattern BLOCK = Pattern.compile("transformer\\.resblocks\\.(\\d+)\\..+");
    private static final Pattern IN_PROJ =
            Pattern.compile("transformer\\.resblocks\\.(\\d+)\\.attn\\.in_proj_(weight|bias)");
    private static final String[] QKV = {"q_proj", "k_proj", "v_proj"};

    /** Inside a transformer block (the fused q/k/v aside). */
    static final PrefixPairs BLOCK_PARTS = PrefixPairs.of(
            "ln_1.", "layer_norm1.",
            "ln_2.", "layer_norm2.",
            "mlp.c_fc.", "mlp.fc1.",
            "mlp.c_proj.", "mlp.fc2.",
            "attn.out_proj.", "self_attn.out_proj.");

    private static final List<NameRule> BLOCK_RULES = BLOCK_PARTS.toDiffusers();

    private static final List<NameRule> RULES = List.of(
            NameRule.of("token_embedding\\.weight", m -> "text_model.embeddings.token_embedding.weight"),
            NameRule.of("positional_embedding", m -> "text_model.embeddings.position_embedding.weight"),
            NameRule.prefix("ln_final.", "text_model.final_layer_norm."),
            NameRule.of("transformer\\.resblocks\\.(\\d+)\\.(.+)", m -> {
                String part = NameRule.apply(BLOCK_RULES, m.group(2));
                return part == null ? null : "text_model.encoder.layers." + m.group(1) + "." + part;
            }));

    /** The joint text-image parts of OpenCLIP, unused by Stable Diffusion. */
    static final Set<String> CLIP_HEAD = Set.of("text_projection", "logit_scale");

    private final int keptBlocks;

    OpenClipNames(int keptBlocks) {
        this.keptBlocks = keptBlocks;
    }

    /** How many transformer blocks the file holds. */
    static int blockCount(Set<String> localNames) {
        return NameRule.countIndexed(BLOCK, localNames);
    }

    @Override
    public String prefix() {
        return PREFIX;
    }

    @Override
    public boolean ignored(String local) {
        if (CLIP_HEAD.contains(local)) {
            return true;
        }
        Matcher m = BLOCK.matcher(local);
        return m.matches() && NameRule.group(m, 1) >= keptBlocks;
    }

    @Override
    public List<TensorRoute> routes(String local, long[] shape) throws WeightsFormatException {
        Matcher fused = IN_PROJ.matcher(local);
        if (fused.matches()) {
            String layer = "text_model.encoder.layers." + fused.group(1) + ".self_attn.";
            TensorRoute[] parts = new TensorRoute[QKV.length];
            for (int i = 0; i < QKV.length; i++) {
                parts[i] = TensorRoute.of(layer + QKV[i] + "." + fused.group(2), PREFIX + local, shape,
                        new TensorTransform.Chunk(i, QKV.length));
            }
            return List.of(parts);
        }
        String target = NameRule.apply(RULES, local);
        if (target == null) {
            return List.of();
        }
        return List.of(TensorRoute.of(target, PREFIX + local, shape, new TensorTransform.Copy()));
    }
}
