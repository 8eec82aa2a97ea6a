package dev.likeness.engine.weights;

import java.nio.file.Path;

/**
 * How to read a checkpoint beyond its own contents.
 *
 * @param configDir      for a single file: a diffusers folder whose configs, tokenizer and scheduler override the
 *                       family preset (like diffusers' {@code from_single_file(config=...)}); null for the preset
 * @param predictionType "epsilon" or "v_prediction" to override what the file says or the rules decide; null to decide
 * @param ema            for a single file: use the EMA copy of the UNet ({@code model_ema.*}) instead of the raw weights
 * @param vae            a VAE to use instead of the model's own: a diffusers VAE folder, a diffusers model folder,
 *                       or a .safetensors file with diffusers or original (LDM) names; null for the model's own
 */
public record LoadOptions(Path configDir, String predictionType, boolean ema, Path vae) {
    public static final LoadOptions DEFAULT = new LoadOptions(null, null, false, null);

    public LoadOptions {
        if (predictionType != null && !predictionType.equals("epsilon") && !predictionType.equals("v_prediction")) {
            throw new IllegalArgumentException("prediction type must be epsilon or v_prediction, not '"
                    + predictionType + "'");
        }
    }

    public static LoadOptions withConfig(Path configDir) {
        return new LoadOptions(configDir, null, false, null);
    }
}
