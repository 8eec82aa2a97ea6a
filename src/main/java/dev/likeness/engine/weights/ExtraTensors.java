package dev.likeness.engine.weights;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Tensors of a single file outside the three model parts. LDM's own schedule buffers are expected and silent; EMA
 * copies and anything else (optimizer state, training extras) are ignored with a one-line note, so a user knows
 * what was not used.
 */
final class ExtraTensors {
    private static final Set<String> LDM_BUFFERS = Set.of("betas", "alphas_cumprod", "alphas_cumprod_prev",
            "sqrt_alphas_cumprod", "sqrt_one_minus_alphas_cumprod", "log_one_minus_alphas_cumprod",
            "sqrt_recip_alphas_cumprod", "sqrt_recipm1_alphas_cumprod", "posterior_variance",
            "posterior_log_variance_clipped", "posterior_mean_coef1", "posterior_mean_coef2", "logvar",
            "lvlb_weights", "model_ema.decay", "model_ema.num_updates");
    private static final List<String> MODEL_PREFIXES = List.of(LdmUnetNames.PREFIX, LdmVaeNames.PREFIX,
            "cond_stage_model.");

    private ExtraTensors() {}

    static List<String> warnings(Map<String, long[]> shapes, boolean emaUsed) {
        int ema = 0;
        List<String> other = new ArrayList<>();
        for (String name : shapes.keySet()) {
            if (LDM_BUFFERS.contains(name) || MODEL_PREFIXES.stream().anyMatch(name::startsWith)) {
                continue;
            }
            if (name.startsWith(EmaWeights.PREFIX)) {
                ema++;
            } else {
                other.add(name);
            }
        }
        List<String> out = new ArrayList<>();
        if (ema > 0 && !emaUsed) {
            out.add("the file also holds EMA weights (" + ema + " model_ema.* tensors); they were not used (--ema uses"
                    + " them)");
        }
        if (!other.isEmpty()) {
            out.add("ignored " + other.size() + " tensor" + (other.size() == 1 ? "" : "s")
                    + " that are not part of an SD model (first: '" + other.get(0) + "')");
        }
        return out;
    }
}
