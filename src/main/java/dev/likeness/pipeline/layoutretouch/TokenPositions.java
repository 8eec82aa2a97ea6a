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
}
