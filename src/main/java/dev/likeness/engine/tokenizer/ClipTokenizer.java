package dev.likeness.engine.tokenizer;

import dev.likeness.engine.tokenizer.AddedVocabulary.Segment;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * The CLIP BPE tokenizer of Stable Diffusion 1.x and 2.x, giving the same ids as Hugging Face's
 * {@code CLIPTokenizer}: added and special tokens are cut out first, the rest is normalized (NFC, whitespace
 * collapsed, lowercased), split into words and byte-level BPE encoded; then
 * {@code <|startoftext|> tokens <|endoftext|>} is truncated and padded to {@link #MAX_LENGTH}.
 *
 * <p>Encoding is safe from any number of threads; {@link #addToken} may run concurrently with it.
 */
public final class ClipTokenizer {
    public static final int MAX_LENGTH = 77;

    private final Vocabulary vocab;
    private final BytePairEncoder bpe;
    private final int bosId;
    private final int eosId;
    private final int padId;
    private volatile AddedVocabulary added;

    /** @throws IllegalArgumentException if a special token is missing or a merge rule does not fit the vocabulary */
    ClipTokenizer(Vocabulary vocab, List<MergeRule> merges, SpecialTokens specials) {
        specials.missingFrom(vocab).ifPresent(message -> {
            throw new IllegalArgumentException(message);
        });
        this.vocab = vocab;
        this.bosId = idOf(specials.bos());
        this.eosId = idOf(specials.eos());
        this.padId = idOf(specials.pad());
        this.bpe = new BytePairEncoder(vocab, merges, idOf(specials.unk()));
        Map<String, AddedToken> special = new LinkedHashMap<>();
        for (SpecialTokens.Spec s : specials.all()) {
            special.putIfAbsent(s.content(), new AddedToken(s.content(), idOf(s), true, s.normalized()));
        }
        this.added = AddedVocabulary.of(List.copyOf(special.values()));
    }

    private int idOf(SpecialTokens.Spec spec) {
        return vocab.id(spec.content()).orElseThrow();
    }

    /**
     * Reads {@code vocab.json} and {@code merges.txt} from a diffusers {@code tokenizer/} folder, and the
     * special tokens from {@code tokenizer_config.json} when present (SD 2.x pads with "!").
     */
    public static ClipTokenizer load(Path tokenizerDir) throws IOException {
        return TokenizerLoader.load(tokenizerDir);
    }

    /**
     * A tokenizer over a given vocabulary (ids 0..n-1, including {@code <|startoftext|>} and
     * {@code <|endoftext|>}) and merge rules such as {@code "t h"}, best first.
     *
     * @throws IllegalArgumentException if the vocabulary, a merge rule or the pad token is unusable
     */
    public static ClipTokenizer of(Map<String, Integer> vocab, List<String> merges, String padToken) {
        List<MergeRule> rules = new ArrayList<>(merges.size());
        for (String line : merges) {
            rules.add(MergeRule.parse(line));
        }
        return new ClipTokenizer(Vocabulary.of(vocab), rules, SpecialTokens.withPad(padToken));
    }

    /** Exactly {@link #MAX_LENGTH} ids: bos, the tokens (as many as fit), eos, then padding. */
    public long[] encode(String text) {
        List<Integer> tokens = tokenIds(text);
        int kept = Math.min(tokens.size(), MAX_LENGTH - 2);
        long[] ids = new long[MAX_LENGTH];
        Arrays.fill(ids, padId);
        ids[0] = bosId;
        for (int i = 0; i < kept; i++) {
            ids[i + 1] = tokens.get(i);
        }
        ids[kept + 1] = eosId;
        return ids;
    }

    /** bos, every token, eos: no truncation and no padding (to tell how much a long prompt loses). */
    public List<Integer> encodeUntruncated(String text) {
        List<Integer> tokens = tokenIds(text);
        List<Integer> ids = new ArrayList<>(tokens.size() + 2);
        ids.add(bosId);
        ids.addAll(tokens);
        ids.add(eosId);
        return List.copyOf(ids);
    }

    /** The ids of a piece of text without bos and eos, e.g. to check that an initializer word is one token. */
    public List<Integer> tokenizeWord(String word) {
        return List.copyOf(tokenIds(word));
    }

    private List<Integer> tokenIds(String text) {
        Objects.requireNonNull(text, "text");
        List<Integer> ids = new ArrayList<>();
        for (Segment segment : added.split(text)) {
            if (segment.isToken()) {
                ids.add(segment.tokenId());
                continue;
            }
            for (String word : PreTokenizer.split(segment.text())) {
                for (int id : bpe.encode(word)) {
                    ids.add(id);
                }
            }
        }
        return ids;
    }

    /**
     * Adds a placeholder token (e.g. a textual-inversion name like {@code <my-cat>}) with the next free id.
     * Like Hugging Face's {@code add_tokens}, it is matched in normalized text, so case does not matter.
     *
     * @throws IllegalArgumentException if it is blank, already in the vocabulary or added, or would match the
     *     same text as an already added token
     */
    public synchronized int addToken(String token) {
        Objects.requireNonNull(token, "token");
        if (token.isBlank()) {
            throw new IllegalArgumentException("a token cannot be empty or only whitespace");
        }
        OptionalInt existing = tokenId(token);
        if (existing.isPresent()) {
            throw new IllegalArgumentException("token '" + token + "' already exists (id " + existing.getAsInt() + ")");
        }
        AddedToken candidate = new AddedToken(token, vocabSize(), false, true);
        added.matchingSameTextAs(candidate).ifPresent(other -> {
            throw new IllegalArgumentException("token '" + token + "' would match the same text as the added token '"
                    + other.content() + "'");
        });
        added = added.with(candidate);
        return candidate.id();
    }

    /** The id of a vocabulary entry (e.g. {@code "dog</w>"}) or of an added token. */
    public OptionalInt tokenId(String token) {
        OptionalInt id = vocab.id(token);
        if (id.isPresent()) {
            return id;
        }
        return added.find(token).map(t -> OptionalInt.of(t.id())).orElse(OptionalInt.empty());
    }

    /** Base vocabulary plus added tokens: the number of embedding rows the text encoder needs. */
    public int vocabSize() {
        return vocab.size() + addedTokens().size();
    }

    public int bosId() {
        return bosId;
    }

    public int eosId() {
        return eosId;
    }

    public int padId() {
        return padId;
    }

    /**
     * The token string of an id, as the vocabulary spells it (byte-level characters, {@code </w>} marking a
     * word end).
     *
     * @throws IllegalArgumentException for an id that is neither in the vocabulary nor added
     */
    public String decode(int id) {
        if (id >= 0 && id < vocab.size()) {
            return vocab.token(id);
        }
        return added.tokens().stream().filter(t -> t.id() == id).map(AddedToken::content).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no token has id " + id
                        + " (vocabulary size " + vocabSize() + ")"));
    }

    /** The tokens added with {@link #addToken}, in order. */
    public List<String> addedTokens() {
        return added.tokens().stream().filter(t -> !t.special()).map(AddedToken::content).toList();
    }
}
