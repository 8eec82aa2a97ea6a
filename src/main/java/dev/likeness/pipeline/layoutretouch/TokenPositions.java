package dev.likeness.pipeline.layoutretouch;

import dev.likeness.pipeline.SdModel;
import java.util.ArrayList;
import java.util.List;

/** Where a word's tokens sit in a prompt's 77 text positions (for reading its cross-attention). */
final class TokenPositions {
    private TokenPositions() {}

    static int[] of(SdModel model, String prompt, String word) {
        long[] ids = model.tokenizer().encode(model.conceptTokens().expand(prompt));
        List<Integer> wordIds = model.tokenizer().tokenizeWord(model.conceptTokens().expand(word));
        List<Integer> found = new ArrayList<>();
        for (int i = 1; i + wordIds.size() <= ids.length && !wordIds.isEmpty(); i++) {
            boolean match = true;
            for (int j = 0; j < wordIds.size() && match; j++) {
                match = ids[i + j] == wordIds.get(j);
            }
            if (match) {
                for (int j = 0; j < wordIds.size(); j++) {
                    found.add(i + j);
                }
            }
        }
        if (found.isEmpty()) {
            throw new IllegalArgumentException("'" + word + "' is not a word of the prompt '" + prompt
                    + "' (needed to find the subject)");
        }
        return found.stream().mapToInt(Integer::intValue).toArray();
    }

    /**
     * The positions of {@code word} where it starts at character {@code offset} of {@code prompt}: the prompt's
     * tokens before it are counted (CLIP splits words before merging, so a prefix ending at a word boundary
     * tokenizes as it does inside the whole prompt). Tells apart two subjects of one class ("a dog and a dog").
     */
    static int[] at(SdModel model, String prompt, int offset, String word) {
        var tokenizer = model.tokenizer();
        int before = tokenizer.tokenizeWord(model.conceptTokens().expand(prompt.substring(0, offset))).size();
        List<Integer> wordIds = tokenizer.tokenizeWord(model.conceptTokens().expand(word));
        long[] ids = tokenizer.encode(model.conceptTokens().expand(prompt));
        List<Integer> found = new ArrayList<>();
        for (int j = 0; j < wordIds.size(); j++) {
            int p = 1 + before + j;
            if (p < ids.length - 1 && ids[p] == wordIds.get(j)) {
                found.add(p);
            }
        }
        if (found.isEmpty()) {
            throw new IllegalArgumentException("'" + word + "' at character " + offset + " of the prompt '" + prompt
                    + "' is not among its first 77 tokens (needed to find the subject)");
        }
        return found.stream().mapToInt(Integer::intValue).toArray();
    }
}
