package dev.likeness.engine.tokenizer;

import java.nio.charset.StandardCharsets;

/**
 * GPT-2/CLIP "bytes_to_unicode": every UTF-8 byte is shown as one printable character, so that BPE works on
 * bytes while the vocabulary stays a map of strings. Printable Latin-1 bytes stand for themselves; the others
 * are moved, in order, to U+0100 upward.
 */
public final class ByteLevelAlphabet {
    private static final char[] BYTE_TO_CHAR = buildTable();

    private ByteLevelAlphabet() {}

    private static char[] buildTable() {
        char[] table = new char[256];
        int next = 256;
        for (int b = 0; b < 256; b++) {
            boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            table[b] = printable ? (char) b : (char) next++;
        }
        return table;
    }

    /** The 256 symbols, indexed by byte value. */
    public static java.util.List<String> symbols() {
        java.util.List<String> out = new java.util.ArrayList<>(256);
        for (char c : BYTE_TO_CHAR) {
            out.add(String.valueOf(c));
        }
        return out;
    }

    static String encode(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        char[] out = new char[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            out[i] = BYTE_TO_CHAR[bytes[i] & 0xFF];
        }
        return new String(out);
    }
}
