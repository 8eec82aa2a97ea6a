package dev.likeness.engine.tokenizer;

import java.util.HashMap;
import java.util.Map;
import java.util.OptionalInt;

/** The base BPE vocabulary. Ids must be exactly 0..size-1, since they index the embedding table. */
final class Vocabulary {
    private final Map<String, Integer> ids;
    private final String[] tokens;

    private Vocabulary(Map<String, Integer> ids, String[] tokens) {
        this.ids = ids;
        this.tokens = tokens;
    }

    /** @throws IllegalArgumentException if the map is empty, or its ids are not 0..size-1 without repeats */
    static Vocabulary of(Map<String, Integer> vocab) {
        if (vocab.isEmpty()) {
            throw new IllegalArgumentException("the vocabulary is empty");
        }
        String[] tokens = new String[vocab.size()];
        for (Map.Entry<String, Integer> e : vocab.entrySet()) {
            Integer id = e.getValue();
            if (id == null || id < 0 || id >= tokens.length) {
                throw new IllegalArgumentException("token '" + e.getKey() + "' has id " + id
                        + ", outside 0.." + (tokens.length - 1));
            }
            if (tokens[id] != null) {
                throw new IllegalArgumentException("id " + id + " is used by both '" + tokens[id] + "' and '"
                        + e.getKey() + "'");
            }
            tokens[id] = e.getKey();
        }
        return new Vocabulary(new HashMap<>(vocab), tokens);
    }

    OptionalInt id(String token) {
        Integer id = ids.get(token);
        return id == null ? OptionalInt.empty() : OptionalInt.of(id);
    }

    /** The id, or -1 when absent (for the BPE inner loop, which should not box). */
    int idOrMinusOne(String token) {
        Integer id = ids.get(token);
        return id == null ? -1 : id;
    }

    String token(int id) {
        return tokens[id];
    }

    int size() {
        return tokens.length;
    }
}
