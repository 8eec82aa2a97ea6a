package dev.likeness.methods.textualinversion;

/**
 * @param token     the placeholder, e.g. {@code <my-cat>}; must not be a word of the vocabulary
 * @param initWord  a single-token word the new vectors start from (e.g. "cat"); it is also the concept's class word
 * @param vectors   vectors per token (1 is best for editability)
 * @param templates "object" or "style" caption templates
 * @param flips     also train on mirrored images
 */
public record TextualInversionConfig(String token, String initWord, int vectors, String templates, boolean flips) {
    public TextualInversionConfig {
        if (token == null || token.isBlank() || token.contains(" ")) {
            throw new IllegalArgumentException("the token must be one word without spaces, e.g. <my-cat>");
        }
        if (initWord == null || initWord.isBlank()) {
            throw new IllegalArgumentException("an initializer word is needed (--init-word), e.g. cat");
        }
        if (vectors < 1 || vectors > 16) {
            throw new IllegalArgumentException("vectors per token must be 1..16");
        }
    }
}
