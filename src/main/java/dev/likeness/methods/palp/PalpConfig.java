package dev.likeness.methods.palp;

import java.util.ArrayList;
import java.util.List;

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
 * @param others         further subjects (multi-subject and art-inspired PALP, methods.md §4.3.5), each with its own
 *                       token, class word and images; the target prompt names them all
 */
public record PalpConfig(String token, String classWord, String targetPrompt, int loraRank, float teacherGuidance,
        float studentGuidance, double weight, boolean flips, List<Subject> others) {
    /** y_P of the main subject. */
    public static final String PHOTO_PROMPT = "a photo of {}";

    /**
     * A subject besides the main one.
     *
     * @param prompt its personalization prompt y_P with {} for the token: "a photo of {}", or for an artwork whose
     *               style the target borrows, "an oil painting of {}"
     */
    public record Subject(String token, String classWord, String prompt) {
        public Subject {
            if (token == null || token.isBlank() || token.contains(" ")) {
                throw new IllegalArgumentException("each subject's token must be one word without spaces, e.g. <v2>");
            }
            if (classWord == null || classWord.isBlank()) {
                throw new IllegalArgumentException("subject " + token + " needs its class word");
            }
            prompt = prompt == null || prompt.isBlank() ? PHOTO_PROMPT : prompt;
            if (!prompt.contains("{}")) {
                throw new IllegalArgumentException("the personalization prompt of " + token + " must contain {} for "
                        + "the token, e.g. 'an oil painting of {}'");
            }
        }

        public String personalizationPrompt() {
            return prompt.replace("{}", token);
        }
    }

    /** A single-subject configuration. */
    public PalpConfig(String token, String classWord, String targetPrompt, int loraRank, float teacherGuidance,
            float studentGuidance, double weight, boolean flips) {
        this(token, classWord, targetPrompt, loraRank, teacherGuidance, studentGuidance, weight, flips, List.of());
    }

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
        others = others == null ? List.of() : List.copyOf(others);
        for (Subject o : others) {
            if (o.token().equals(token) || others.stream().filter(x -> x.token().equals(o.token())).count() > 1) {
                throw new IllegalArgumentException("every subject needs its own token; " + o.token() + " repeats");
            }
            if (!targetPrompt.contains(o.token())) {
                throw new IllegalArgumentException("the target prompt must name every subject; it lacks " + o.token());
            }
        }
        if (!(teacherGuidance >= 0) || !(studentGuidance >= 0) || !(weight >= 0)) {
            throw new IllegalArgumentException("guidance scales and the PALP weight must be >= 0");
        }
    }

    /** y_c: the target prompt with the token replaced by "a <class>" wording (the teacher never sees the token). */
    public String cleanPrompt() {
        String clean = targetPrompt.replace(token, classWord);
        for (Subject o : others) {
            clean = clean.replace(o.token(), o.classWord());
        }
        return clean;
    }

    /** Every subject, the main one first (its y_P is "a photo of [V]"). */
    public List<Subject> subjects() {
        List<Subject> all = new ArrayList<>();
        all.add(new Subject(token, classWord, PHOTO_PROMPT));
        all.addAll(others);
        return all;
    }

    /** Default settings for a target prompt; {@code composition} selects the α=7.5, β=1 preset. */
    public static PalpConfig defaults(String token, String classWord, String targetPrompt, boolean composition) {
        return new PalpConfig(token, classWord, targetPrompt, 32, composition ? 7.5f : 15f, composition ? 1f : 7.5f,
                1.0, true);
    }
}
