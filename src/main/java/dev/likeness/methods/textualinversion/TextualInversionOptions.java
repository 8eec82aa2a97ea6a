package dev.likeness.methods.textualinversion;

/**
 * Textual Inversion's settings (JSON names; defaults and sources in {@link TextualInversionMethod}).
 *
 * @param initWord  single-token word the vectors start from (null: the class word)
 * @param vectors   vectors per token
 * @param templates "object" or "style" caption templates
 * @param flips     also train on mirrored images
 * @param scaleLr   multiply the learning rate by batch × gradient accumulation
 */
public record TextualInversionOptions(String initWord, int vectors, String templates, boolean flips,
        boolean scaleLr) {
    public TextualInversionOptions {
        if (vectors < 1 || vectors > 16) {
            throw new IllegalArgumentException("vectors per token must be 1..16");
        }
        if (!"object".equals(templates) && !"style".equals(templates)) {
            throw new IllegalArgumentException("templates must be object or style, not " + templates);
        }
    }
}
