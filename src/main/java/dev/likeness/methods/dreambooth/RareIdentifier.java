package dev.likeness.methods.dreambooth;

import dev.likeness.engine.tokenizer.ClipTokenizer;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.regex.Pattern;

/**
 * DreamBooth's rare-token identifier (the paper's §3.2, adapted to CLIP's BPE vocabulary): a word the text encoder
 * has a weak prior for, that is still one token. Candidates are whole-word tokens from the last ~9,400 merges (BPE
 * ids grow as merges get rarer) spelled with three consonants, so they are neither common words nor split into
 * letters; the pick is deterministic in the seed. A vocabulary without such merges (the demo model's byte-level
 * one) gets the community's usual "sks".
 */
public final class RareIdentifier {
    /** Ids from here on are the rarest merges of the 49,408-token CLIP vocabulary. */
    static final int FIRST_RARE_ID = 40_000;
    private static final Pattern CONSONANTS = Pattern.compile("[b-df-hj-np-tv-xz]{3}");
    /** Rare tokens that still carry an unwanted meaning. */
    private static final Set<String> AVOID = Set.of("fck", "lsd");
    private static final int MAX_TOKENS = 3;
    static final String FALLBACK = "sks";

    private RareIdentifier() {}

    public static String choose(ClipTokenizer tokenizer, long seed) {
        int end = Math.min(tokenizer.bosId(), tokenizer.eosId()); // the special tokens sit at the top
        List<Integer> candidates = java.util.stream.IntStream.range(FIRST_RARE_ID, end)
                .filter(id -> isCandidate(tokenizer, id)).boxed().toList();
        if (candidates.isEmpty()) {
            return FALLBACK;
        }
        return word(tokenizer, candidates.get(new SplittableRandom(seed).nextInt(candidates.size())));
    }

    private static boolean isCandidate(ClipTokenizer tokenizer, int id) {
        String token = tokenizer.decode(id);
        if (!token.endsWith("</w>")) {
            return false;
        }
        String word = token.substring(0, token.length() - 4);
        return CONSONANTS.matcher(word).matches() && !AVOID.contains(word)
                && tokenizer.tokenizeWord(word).equals(List.of(id));
    }

    private static String word(ClipTokenizer tokenizer, int id) {
        String token = tokenizer.decode(id);
        return token.substring(0, token.length() - 4);
    }

    /** A user's identifier: one word of at most three tokens (one is best), not a placeholder of the vocabulary. */
    public static void check(ClipTokenizer tokenizer, String identifier) {
        if (identifier.isBlank() || identifier.chars().anyMatch(Character::isWhitespace)) {
            throw new IllegalArgumentException("a DreamBooth identifier is one word without spaces, e.g. sks");
        }
        int n = tokenizer.tokenizeWord(identifier).size();
        if (n > MAX_TOKENS) {
            throw new IllegalArgumentException("the identifier '" + identifier + "' is " + n
                    + " tokens; use a rare short word (one token is best, e.g. sks) or leave --token out");
        }
    }
}
