package dev.likeness.pipeline.layoutretouch;

import dev.likeness.pipeline.ConceptSwitch;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An applied concept as Layout-and-Retouch uses it: the token that names it in prompts, the class word that
 * replaces the token in the base-model prompt, and the switch between base and personalized weights.
 */
public record RetouchSubject(String token, String classWord, ConceptSwitch weights) {
    public RetouchSubject {
        if (token == null || token.isBlank()) {
            throw new IllegalArgumentException("a concept needs a token");
        }
        classWord = classWord == null ? "" : classWord.trim();
    }

    /** Whether {@code prompt} names the concept. */
    public boolean isIn(String prompt) {
        return names(prompt, token);
    }

    /** Whether {@code prompt} has {@code token} as a word of its own. */
    public static boolean names(String prompt, String token) {
        return pattern(token).matcher(prompt).find();
    }

    /** y^{-p} (§5.1): the prompt with the concept's token replaced by its class word. */
    public String classPrompt(String prompt) {
        if (classWord.isEmpty()) {
            throw new IllegalArgumentException("concept " + token + " has no class word; give one (e.g. --class-word"
                    + " dog) so its base-model steps can draw the class");
        }
        return pattern(token).matcher(prompt).replaceAll(Matcher.quoteReplacement(classWord));
    }

    /** The word whose cross-attention marks the subject: the class word, or the token when there is none. */
    public String subjectWord() {
        return classWord.isEmpty() ? token : classWord;
    }

    /** The prompt a source image is conditioned on when only the subject matters. */
    public String subjectPrompt() {
        return classWord.isEmpty() ? "a photo of " + token : "a photo of a " + classWord;
    }

    private static Pattern pattern(String token) {
        return Pattern.compile("(?<![\\w-])" + Pattern.quote(token) + "(?![\\w-])");
    }
}
