package dev.likeness.engine.tokenizer;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * CLIP's BPE model: a pre-tokenized word is mapped to byte-level characters, the last one carrying the
 * end-of-word marker {@code </w>}, and the adjacent pair with the lowest merge rank (leftmost on ties) is joined
 * until no pair has a rule. Characters missing from the vocabulary become the unknown token, each on its own.
 * Results are cached per word; instances are safe to share between threads.
 */
final class BytePairEncoder {
    static final String END_OF_WORD = "</w>";
    private static final int CACHE_LIMIT = 10_000;

    private record Merge(int rank, int mergedId) {}

    private final Vocabulary vocab;
    private final Map<Long, Merge> merges;
    private final int unknownId;
    private final Map<String, int[]> cache = new ConcurrentHashMap<>();

    /** @throws IllegalArgumentException if a rule names a symbol, or makes a token, outside the vocabulary */
    BytePairEncoder(Vocabulary vocab, List<MergeRule> rules, int unknownId) {
        this.vocab = vocab;
        this.unknownId = unknownId;
        this.merges = new HashMap<>(rules.size() * 2);
        for (int rank = 0; rank < rules.size(); rank++) {
            MergeRule rule = rules.get(rank);
            int left = requireId(rule, rule.left());
            int right = requireId(rule, rule.right());
            int merged = requireId(rule, rule.merged());
            merges.putIfAbsent(pairKey(left, right), new Merge(rank, merged));
        }
    }

    private int requireId(MergeRule rule, String token) {
        int id = vocab.idOrMinusOne(token);
        if (id < 0) {
            throw new IllegalArgumentException("merge '" + rule.left() + " " + rule.right() + "' needs '" + token
                    + "', which is not in the vocabulary");
        }
        return id;
    }

    private static long pairKey(int left, int right) {
        return ((long) left << 32) | (right & 0xFFFFFFFFL);
    }

    /** The ids of one pre-tokenized word (normalized, not yet byte-mapped). The array is shared: do not modify it. */
    int[] encode(String word) {
        int[] cached = cache.get(word);
        if (cached != null) {
            return cached;
        }
        int[] ids = merge(ByteLevelAlphabet.encode(word));
        if (cache.size() < CACHE_LIMIT) {
            cache.put(word, ids);
        }
        return ids;
    }

    private int[] merge(String symbols) {
        int n = symbols.length();
        int[] ids = new int[n];
        for (int i = 0; i < n; i++) {
            String symbol = String.valueOf(symbols.charAt(i));
            int id = vocab.idOrMinusOne(i == n - 1 ? symbol + END_OF_WORD : symbol);
            ids[i] = id >= 0 ? id : unknownId;
        }
        while (n > 1) {
            int bestPos = -1;
            Merge best = null;
            for (int i = 0; i + 1 < n; i++) {
                Merge m = merges.get(pairKey(ids[i], ids[i + 1]));
                if (m != null && (best == null || m.rank() < best.rank())) {
                    best = m;
                    bestPos = i;
                }
            }
            if (best == null) {
                break;
            }
            ids[bestPos] = best.mergedId();
            System.arraycopy(ids, bestPos + 2, ids, bestPos + 1, n - bestPos - 2);
            n--;
        }
        return n == ids.length ? ids : Arrays.copyOf(ids, n);
    }
}
