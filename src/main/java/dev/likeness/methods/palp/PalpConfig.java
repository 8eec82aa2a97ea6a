package dev.likeness.methods.palp;

/**
 * PALP settings (methods.md §4). The concept is personalized for one target prompt.
 *
 * @param token          placeholder, e.g. {@code <my-cat>}
 * @param classWord      single-token class word; the new vectors start from it and the clean prompt uses it
 * @param targetPrompt   the prompt the user wants, containing the token (e.g. "a sketch of <my-cat> in Paris")
 * @param loraRank       LoRA rank on q/k/v/out of self- and cross-attention (32)
 * @param teacherGuidance α, CFG of the frozen teacher on the clean prompt (15; composition preset 7.5)
 * @param studentGuidance β, CFG of the personalized student on the personalization prompt (7.5; composition 1)
 * @param weight         weight of the prompt-aligned term (1; 0 gives plain TI + DreamBooth-LoRA)
 */
public record PalpConfig(String token, String classWord, String targetPrompt, int loraRank, float teacherGuidance,
        float studentGuidance, double weight, boolean flips) {
    public PalpConfig {
        if (token == null || token.isBlank() || token.contains(" ")) {
            throw new IllegalArgumentException("the token must be one word without spaces, e.g. <my-cat>");
        }
        if (classWord == null || classWord.isBlank()) {
            throw new IllegalArgumentException("PALP needs the subject's class word (--class)");
        }
        if (targetPrompt == null || !targetPrompt.contains(token)) {
            throw new IllegalArgumentException("PALP needs the target prompt (--prompt) and it must contain " + token);
        }
        if (!(teacherGuidance >= 0) || !(studentGuidance >= 0) || !(weight >= 0)) {
            throw new IllegalArgumentException("guidance scales and the PALP weight must be >= 0");
        }
    }

    /** y_c: the target prompt with the token replaced by "a <class>" wording (the teacher never sees the token). */
    public String cleanPrompt() {
        return targetPrompt.replace(token, classWord);
    }

    /** Default settings for a target prompt; {@code composition} selects the α=7.5, β=1 preset. */
    public static PalpConfig defaults(String token, String classWord, String targetPrompt, boolean composition) {
        return new PalpConfig(token, classWord, targetPrompt, 32, composition ? 7.5f : 15f, composition ? 1f : 7.5f,
                1.0, true);
    }
}
