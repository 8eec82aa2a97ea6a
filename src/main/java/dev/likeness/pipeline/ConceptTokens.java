package dev.likeness.pipeline;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.NDManager;
import dev.likeness.engine.model.clip.ClipTextModel;
import dev.likeness.engine.tokenizer.ClipTokenizer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Placeholder tokens of applied Textual Inversion concepts: each token (and, for multi-vector concepts,
 * {@code token_1 … token_{n-1}}) is added to the tokenizer once and gets rows in the text encoder's added table.
 * Re-applying a token replaces its vectors. Prompts are expanded so a multi-vector token stands for all its parts.
 */
public final class ConceptTokens {
    private final ClipTokenizer tokenizer;
    private final ClipTextModel text;
    private final NDManager manager;
    private final Map<Integer, NDArray> rowsById = new LinkedHashMap<>();
    private final Map<String, Integer> vectorsPerToken = new LinkedHashMap<>();
    private final Map<String, String> aliases = new LinkedHashMap<>();

    public ConceptTokens(ClipTokenizer tokenizer, ClipTextModel text, NDManager manager) {
        this.tokenizer = tokenizer;
        this.text = text;
        this.manager = manager;
    }

    /** The names a token's vectors are known by: the token itself, then token_1, token_2, ... */
    public static List<String> partNames(String token, int vectors) {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < vectors; i++) {
            names.add(i == 0 ? token : token + "_" + i);
        }
        return names;
    }

    /** Ids of a token's parts, adding them to the tokenizer where they are new. */
    public synchronized List<Integer> ensureIds(String token, int vectors) {
        List<Integer> ids = new ArrayList<>();
        for (String part : partNames(token, vectors)) {
            ids.add(tokenizer.tokenId(part).orElseGet(() -> tokenizer.addToken(part)));
        }
        return ids;
    }

    /** Applies (or updates) a token's vectors, (n, hidden). */
    public synchronized void put(String token, NDArray vectors) {
        long width = text.tokenEmbedding().getShape().get(1);
        if (vectors.getShape().dimension() != 2 || vectors.getShape().get(1) != width) {
            throw new IllegalArgumentException("embedding for " + token + " has shape " + vectors.getShape()
                    + " but this model's text encoder needs vectors of width " + width);
        }
        int n = (int) vectors.getShape().get(0);
        List<Integer> ids = ensureIds(token, n);
        for (int i = 0; i < n; i++) {
            NDArray row = vectors.get(i).toType(text.tokenEmbedding().getDataType(), true);
            row.attach(manager);
            NDScope.unregister(row); // the model keeps it: a caller's scope must not free it
            NDArray old = rowsById.put(ids.get(i), row);
            if (old != null) {
                old.close();
            }
        }
        vectorsPerToken.put(token, n);
        rebuild();
    }

    private void rebuild() {
        int base = text.baseVocabSize();
        int count = tokenizer.vocabSize() - base;
        NDList rows = new NDList();
        NDArray zero = null;
        for (int id = base; id < base + count; id++) {
            NDArray r = rowsById.get(id);
            if (r == null) {
                zero = zero != null ? zero : manager.zeros(text.tokenEmbedding().get(0).getShape());
                r = zero;
            }
            rows.add(r);
        }
        NDArray old = text.addedRows();
        NDArray table = NDArrays.stack(rows);
        table.attach(manager);
        NDScope.unregister(table);
        text.setAddedRows(table);
        if (old != null) {
            old.close();
        }
    }

    /**
     * Makes {@code token} stand for {@code text} in prompts (a DreamBooth concept's {@code <name>} means its
     * identifier and class, e.g. "sks dog"). The token is not added to the vocabulary.
     */
    public synchronized void alias(String token, String text) {
        aliases.put(token, text);
    }

    /** The prompt with every alias replaced and every multi-vector token written out as all its parts. */
    public synchronized String expand(String prompt) {
        String out = prompt;
        for (Map.Entry<String, String> e : aliases.entrySet()) {
            out = out.replaceAll("(?<![\\w-])" + Pattern.quote(e.getKey()) + "(?![\\w-])",
                    Matcher.quoteReplacement(e.getValue()));
        }
        for (Map.Entry<String, Integer> e : vectorsPerToken.entrySet()) {
            if (e.getValue() > 1) {
                String parts = String.join(" ", partNames(e.getKey(), e.getValue()));
                out = out.replaceAll("(?<![\\w-])" + Pattern.quote(e.getKey()) + "(?![\\w-])",
                        Matcher.quoteReplacement(parts));
            }
        }
        return out;
    }

    public synchronized boolean has(String token) {
        return vectorsPerToken.containsKey(token);
    }
}
