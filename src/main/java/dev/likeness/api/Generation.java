package dev.likeness.api;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One txt2img call. Defaults are diffusers': 50 steps, guidance 7.5, the model's own sampler, the model's native
 * size, seed 0. Change any field with a {@code with…} method: {@code Generation.of("a cat").withSteps(20)}.
 *
 * @param sampler null for the model's own scheduler; else ddim, pndm, euler, euler_a, dpmpp_2m or ddpm
 * @param width   null for the model's native size
 * @param height  null for the model's native size
 * @param concepts concept folders or files (LoRA, embeddings) to apply for this call only
 */
public record Generation(String prompt, String negativePrompt, long seed, int steps, float guidance,
        @Nullable String sampler, @Nullable Integer width, @Nullable Integer height, int count,
        List<String> concepts) {
    public Generation {
        concepts = List.copyOf(concepts);
    }

    public static Generation of(String prompt) {
        return new Generation(prompt, "", 0, 50, 7.5f, null, null, null, 1, List.of());
    }

    public Generation withNegativePrompt(String negative) {
        return new Generation(prompt, negative, seed, steps, guidance, sampler, width, height, count, concepts);
    }

    public Generation withSeed(long newSeed) {
        return new Generation(prompt, negativePrompt, newSeed, steps, guidance, sampler, width, height, count, concepts);
    }

    public Generation withSteps(int newSteps) {
        return new Generation(prompt, negativePrompt, seed, newSteps, guidance, sampler, width, height, count, concepts);
    }

    public Generation withGuidance(float newGuidance) {
        return new Generation(prompt, negativePrompt, seed, steps, newGuidance, sampler, width, height, count, concepts);
    }

    public Generation withSampler(@Nullable String newSampler) {
        return new Generation(prompt, negativePrompt, seed, steps, guidance, newSampler, width, height, count, concepts);
    }

    public Generation withSize(int newWidth, int newHeight) {
        return new Generation(prompt, negativePrompt, seed, steps, guidance, sampler, newWidth, newHeight, count,
                concepts);
    }

    public Generation withCount(int newCount) {
        return new Generation(prompt, negativePrompt, seed, steps, guidance, sampler, width, height, newCount, concepts);
    }

    public Generation withConcepts(List<String> newConcepts) {
        return new Generation(prompt, negativePrompt, seed, steps, guidance, sampler, width, height, count,
                newConcepts);
    }
}
