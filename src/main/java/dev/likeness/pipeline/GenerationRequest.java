package dev.likeness.pipeline;

import java.awt.image.BufferedImage;
import java.util.List;

/**
 * Everything one txt2img/img2img call needs. {@code sampler} null means the model's own scheduler; {@code initImage}
 * non-null makes it img2img with {@code strength}. Image {@code k} of a batch uses seed {@code seed + k}.
 */
public record GenerationRequest(
        String prompt,
        String negativePrompt,
        long seed,
        int steps,
        float guidance,
        String sampler,
        int width,
        int height,
        int count,
        BufferedImage initImage,
        float strength,
        List<String> concepts) {

    public GenerationRequest {
        prompt = prompt == null ? "" : prompt;
        negativePrompt = negativePrompt == null ? "" : negativePrompt;
        concepts = concepts == null ? List.of() : List.copyOf(concepts);
        if (steps < 1 || steps > 1000) {
            throw new IllegalArgumentException("steps must be between 1 and 1000");
        }
        if (width < 8 || height < 8 || width % 8 != 0 || height % 8 != 0 || width > 4096 || height > 4096) {
            throw new IllegalArgumentException("width and height must be multiples of 8 between 8 and 4096");
        }
        if (count < 1 || count > 64) {
            throw new IllegalArgumentException("count must be between 1 and 64");
        }
        if (!(guidance >= 0 && guidance <= 100)) {
            throw new IllegalArgumentException("guidance must be between 0 and 100");
        }
        if (initImage != null && !(strength > 0 && strength <= 1)) {
            throw new IllegalArgumentException("strength must be in (0, 1]");
        }
    }

    /** diffusers' defaults: 50 steps, guidance 7.5, the model's scheduler, one image. */
    public static GenerationRequest of(String prompt, int width, int height) {
        return new GenerationRequest(prompt, "", 0, 50, 7.5f, null, width, height, 1, null, 0.8f, List.of());
    }

    public GenerationRequest withSeed(long newSeed) {
        return new GenerationRequest(prompt, negativePrompt, newSeed, steps, guidance, sampler, width, height, count,
                initImage, strength, concepts);
    }

    public GenerationRequest withNegativePrompt(String negative) {
        return new GenerationRequest(prompt, negative, seed, steps, guidance, sampler, width, height, count,
                initImage, strength, concepts);
    }

    public GenerationRequest withSteps(int n) {
        return new GenerationRequest(prompt, negativePrompt, seed, n, guidance, sampler, width, height, count,
                initImage, strength, concepts);
    }

    public GenerationRequest withGuidance(float scale) {
        return new GenerationRequest(prompt, negativePrompt, seed, steps, scale, sampler, width, height, count,
                initImage, strength, concepts);
    }

    /** {@code name} null: the model's own scheduler. */
    public GenerationRequest withSampler(String name) {
        return new GenerationRequest(prompt, negativePrompt, seed, steps, guidance, name, width, height, count,
                initImage, strength, concepts);
    }

    public GenerationRequest withCount(int images) {
        return new GenerationRequest(prompt, negativePrompt, seed, steps, guidance, sampler, width, height, images,
                initImage, strength, concepts);
    }

    /** txt2img again: no init image (strength back to 1, all steps). */
    public GenerationRequest withoutInitImage() {
        return new GenerationRequest(prompt, negativePrompt, seed, steps, guidance, sampler, width, height, count,
                null, 1f, concepts);
    }

    public GenerationRequest withConcepts(List<String> names) {
        return new GenerationRequest(prompt, negativePrompt, seed, steps, guidance, sampler, width, height, count,
                initImage, strength, names);
    }
}
