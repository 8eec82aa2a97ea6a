package dev.likeness.engine.tokenizer;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The added tokens (special and user-added) and the splitting of text around them. Immutable: adding a token
 * gives a new instance, so readers never see a half-updated set.
 *
 * <p>Splitting follows Hugging Face tokenizers: verbatim tokens are cut out of the raw text first; each
 * remaining piece is then normalized and normalized tokens are cut out of it. At each step the leftmost match
 * wins, the longest among those starting at the same place.
 */
final class AddedVocabulary {
    /** A stretch of normalized text to pre-tokenize, or one added token ({@code tokenId >= 0}). */
    record Segment(String text, int tokenId) {
        static Segment text(String text) {
            return new Segment(text, -1);
        }

        boolean isToken() {
            return tokenId >= 0;
        }
    }

    private record Pattern(String text, int id) {}

    private final List<AddedToken> tokens;
    private final List<Pattern> verbatim;
    private final List<Pattern> normalized;

    private AddedVocabulary(List<AddedToken> tokens) {
        this.tokens = List.copyOf(tokens);
        List<Pattern> raw = new ArrayList<>();
        List<Pattern> norm = new ArrayList<>();
        for (AddedToken t : tokens) {
            if (t.normalized()) {
                norm.add(new Pattern(TextNormalizer.normalize(t.content()), t.id()));
            } else {
                raw.add(new Pattern(t.content(), t.id()));
            }
        }
        this.verbatim = List.copyOf(raw);
        this.normalized = List.copyOf(norm);
    }

    static AddedVocabulary of(List<AddedToken> tokens) {
        return new AddedVocabulary(tokens);
    }

    AddedVocabulary with(AddedToken token) {
        List<AddedToken> all = new ArrayList<>(tokens);
        all.add(token);
        return new AddedVocabulary(all);
    }

    List<AddedToken> tokens() {
        return tokens;
    }

    Optional<AddedToken> find(String content) {
        return tokens.stream().filter(t -> t.content().equals(content)).findFirst();
    }

    /** An existing token that a new one would shadow or be shadowed by, because both match the same text. */
    Optional<AddedToken> matchingSameTextAs(AddedToken candidate) {
        String key = candidate.normalized() ? TextNormalizer.normalize(candidate.content()) : candidate.content();
        return tokens.stream()
                .filter(t -> t.normalized() == candidate.normalized())
                .filter(t -> (t.normalized() ? TextNormalizer.normalize(t.content()) : t.content()).equals(key))
                .findFirst();
    }

    List<Segment> split(String text) {
        List<Segment> out = new ArrayList<>();
        for (Segment raw : cut(text, verbatim)) {
            if (raw.isToken()) {
                out.add(raw);
            } else {
                out.addAll(cut(TextNormalizer.normalize(raw.text()), normalized));
            }
        }
        return out;
    }

    private static List<Segment> cut(String text, List<Pattern> patterns) {
        List<Segment> out = new ArrayList<>();
        int start = 0;
        int i = 0;
        while (i < text.length()) {
            Pattern match = longestAt(text, i, patterns);
            if (match == null) {
                i++;
                continue;
            }
            if (i > start) {
                out.add(Segment.text(text.substring(start, i)));
            }
            out.add(new Segment(match.text(), match.id()));
            i += match.text().length();
            start = i;
        }
        if (start < text.length()) {
            out.add(Segment.text(text.substring(start)));
        }
        return out;
    }

    private static Pattern longestAt(String text, int at, List<Pattern> patterns) {
        Pattern best = null;
        for (Pattern p : patterns) {
            if (!p.text().isEmpty() && text.startsWith(p.text(), at)
                    && (best == null || p.text().length() > best.text().length())) {
                best = p;
            }
        }
        return best;
    }
}
