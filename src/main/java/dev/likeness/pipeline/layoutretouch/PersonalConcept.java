package dev.likeness.pipeline.layoutretouch;

import dev.likeness.concepts.ConceptManifest;
import dev.likeness.pipeline.Personalization;
import dev.likeness.pipeline.SdModel;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An applied concept as Layout-and-Retouch uses it: the token that names it in prompts, the class word that
 * replaces the token in the base-model prompt, and the switch between base and personalized weights.
 */
public record PersonalConcept(String token, String classWord, Personalization weights) {
    public PersonalConcept {
        if (token == null || token.isBlank()) {
            throw new IllegalArgumentException("a concept needs a token");
        }
        classWord = classWord == null ? "" : classWord.trim();
    }

    /**
     * The concept of a manifest that {@code ConceptApplier} applied to {@code model}. Textual Inversion and Perfusion
     * act only where a prompt names their token (Perfusion's edit matches the text states of the prompt it was
     * prepared for), so the class prompt of the base-model steps already runs the base model; LoRA-based concepts
     * (DreamBooth-LoRA, PALP, LoRA files) are lifted for those steps through the model's concept patches. A fully
     * fine-tuned DreamBooth model has no base to switch to.
     */
    public static PersonalConcept of(ConceptManifest manifest, String classWordOverride, SdModel model) {
        String cls = classWordOverride != null && !classWordOverride.isBlank() ? classWordOverride
                : manifest.classWord();
        boolean fullModel = manifest.method().equals("dreambooth")
                && manifest.details().path("variant").asText().equals("full");
        Personalization weights = fullModel
                ? Personalization.alwaysOn("concept '" + manifest.name() + "' is a fully fine-tuned DreamBooth model: "
                        + "it has no base model to draw layouts with; use --layout-steps 0, retouch in place, or "
                        + "train it as DreamBooth-LoRA")
                : model.conceptPatches();
        return new PersonalConcept(manifest.token(), cls, weights);
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
