package dev.likeness.engine.tokenizer;

import java.text.Normalizer;
import java.util.regex.Pattern;

/** CLIP's normalizer as in Hugging Face tokenizers: NFC, every whitespace run to one space, lowercase. */
final class TextNormalizer {
    /** Oniguruma's Unicode {@code \s}, which the reference uses, is exactly the White_Space property. */
    private static final Pattern WHITESPACE_RUN = Pattern.compile("\\p{IsWhite_Space}+");

    private TextNormalizer() {}

    static String normalize(String text) {
        String nfc = Normalizer.normalize(text, Normalizer.Form.NFC);
        return lowercase(WHITESPACE_RUN.matcher(nfc).replaceAll(" "));
    }

    /**
     * Lowercases code point by code point like Rust's {@code char::to_lowercase}: no context rules (a final
     * capital sigma becomes σ, not ς, unlike {@code String.toLowerCase}), and the one unconditional
     * multi-character mapping, İ → i + combining dot above, which {@code Character.toLowerCase} lacks.
     */
    private static String lowercase(String text) {
        StringBuilder sb = new StringBuilder(text.length());
        text.codePoints().forEach(cp -> {
            if (cp == 0x130) {
                sb.append("i\u0307");
            } else {
                sb.appendCodePoint(Character.toLowerCase(cp));
            }
        });
        return sb.toString();
    }
}
