package dev.likeness.engine.tokenizer;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Splits normalized text into the words BPE sees; whitespace is dropped.
 *
 * <p>The reference splits with {@code <\|startoftext\|>|<\|endoftext\|>|'s|…} and then lets its ByteLevel
 * step split again with the GPT-2 pattern. Literal special tokens never reach this point (they are taken out
 * earlier as added tokens), and the GPT-2 pass breaks any other {@code <|startoftext|>} back into
 * {@code <|}, {@code startoftext}, {@code |>} while leaving every other piece whole; so leaving the two
 * special-token alternatives out gives the same pieces in a single pass.
 */
final class PreTokenizer {
    private static final Pattern PIECE = Pattern.compile(
            "'s|'t|'re|'ve|'m|'ll|'d|\\p{L}+|\\p{N}|[^\\p{IsWhite_Space}\\p{L}\\p{N}]+");

    private PreTokenizer() {}

    static List<String> split(String normalized) {
        List<String> pieces = new ArrayList<>();
        Matcher m = PIECE.matcher(normalized);
        while (m.find()) {
            pieces.add(m.group());
        }
        return pieces;
    }
}
