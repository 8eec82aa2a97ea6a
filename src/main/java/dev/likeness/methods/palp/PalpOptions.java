package dev.likeness.methods.palp;

/**
 * PALP's settings (JSON names; defaults and sources in {@link PalpMethod}).
 *
 * @param targetPrompt    the prompt to personalize for, with the token or {} (required)
 * @param composition     the α = 7.5, β = 1 preset instead of α = 15, β = 7.5
 * @param loraRank        LoRA rank on every attention projection
 * @param teacherGuidance α (null: the preset's)
 * @param studentGuidance β (null: the preset's)
 * @param palpWeight      λ, the prompt-aligned term's weight beside L_P (both per-element means)
 * @param secondToken     a second subject's placeholder (multi-subject / art-inspired PALP)
 * @param secondClass     its class word
 * @param secondPrompt    its personalization prompt with {} (null: "a photo of {}")
 * @param secondImages    how many of the images, at the end, show the second subject
 */
public record PalpOptions(String targetPrompt, boolean composition, int loraRank, Float teacherGuidance,
        Float studentGuidance, double palpWeight, String secondToken, String secondClass, String secondPrompt,
        int secondImages) {}
