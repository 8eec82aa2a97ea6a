package dev.likeness.engine.tokenizer;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import dev.likeness.util.Json;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** Reads a diffusers {@code tokenizer/} folder, turning every problem into a one-line IOException naming the file. */
final class TokenizerLoader {
    static final String VOCAB_FILE = "vocab.json";
    static final String MERGES_FILE = "merges.txt";
    static final String CONFIG_FILE = "tokenizer_config.json";
    static final String SPECIAL_TOKENS_FILE = "special_tokens_map.json";

    private static final JsonFactory VOCAB_JSON = Json.MAPPER.getFactory().rebuild()
            .disable(JsonFactory.Feature.CANONICALIZE_FIELD_NAMES).build();

    private TokenizerLoader() {}

    static ClipTokenizer load(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new IOException("tokenizer folder not found: " + dir);
        }
        Path vocabFile = dir.resolve(VOCAB_FILE);
        Path mergesFile = dir.resolve(MERGES_FILE);
        List<Path> specialsFiles = new ArrayList<>();
        for (String name : List.of(CONFIG_FILE, SPECIAL_TOKENS_FILE)) {
            if (Files.isRegularFile(dir.resolve(name))) {
                specialsFiles.add(dir.resolve(name));
            }
        }

        Vocabulary vocab;
        try {
            vocab = Vocabulary.of(readVocab(vocabFile));
        } catch (IllegalArgumentException e) {
            throw new IOException(vocabFile + ": " + e.getMessage(), e);
        }
        List<MergeRule> merges = readMerges(mergesFile);
        SpecialTokens specials = readSpecials(specialsFiles);
        var missing = specials.missingFrom(vocab);
        if (missing.isPresent()) {
            throw new IOException(vocabFile + ": " + missing.get() + (specialsFiles.isEmpty() ? ""
                    : " (special tokens as named in " + specialsFiles.stream()
                            .map(f -> f.getFileName().toString()).collect(Collectors.joining(" / ")) + ")"));
        }
        try {
            return new ClipTokenizer(vocab, merges, specials);
        } catch (IllegalArgumentException e) {
            // the vocabulary and special tokens are checked above, so this is a merge rule
            throw new IOException(mergesFile + ": " + e.getMessage(), e);
        }
    }

    /**
     * Streamed, with Jackson's field-name canonicalization off: it is meant for a few recurring names, and
     * interning 49,408 distinct keys made loading about twice as slow.
     */
    private static Map<String, Integer> readVocab(Path file) throws IOException {
        requireFile(file, "tokenizer vocabulary");
        Map<String, Integer> vocab = new HashMap<>(100_000);
        try (JsonParser p = VOCAB_JSON.createParser(file.toFile())) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new IOException(file + ": expected a JSON object mapping tokens to ids");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String token = p.currentName();
                if (p.nextToken() != JsonToken.VALUE_NUMBER_INT || p.getNumberType() != JsonParser.NumberType.INT) {
                    throw new IOException(file + ": the id of token '" + token + "' is not an integer");
                }
                vocab.put(token, p.getIntValue());
            }
            if (p.currentToken() != JsonToken.END_OBJECT || p.nextToken() != null) {
                throw new IOException(file + ": expected a JSON object mapping tokens to ids");
            }
        } catch (JsonProcessingException e) {
            throw new IOException(file + ": not valid JSON (" + e.getOriginalMessage() + ")", e);
        }
        return vocab;
    }

    private static List<MergeRule> readMerges(Path file) throws IOException {
        requireFile(file, "tokenizer merges");
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (CharacterCodingException e) {
            throw new IOException(file + ": not UTF-8 text", e);
        }
        List<MergeRule> rules = new ArrayList<>(lines.size());
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank() || (i == 0 && line.startsWith("#version"))) {
                continue;
            }
            try {
                rules.add(MergeRule.parse(line));
            } catch (IllegalArgumentException e) {
                throw new IOException(file + " line " + (i + 1) + ": " + e.getMessage(), e);
            }
        }
        return rules;
    }

    private record JsonSource(Path file, JsonNode root) {}

    /**
     * Special tokens come from tokenizer_config.json, or special_tokens_map.json where the config lacks them
     * (older published folders), else CLIP's defaults.
     */
    private static SpecialTokens readSpecials(List<Path> files) throws IOException {
        List<JsonSource> sources = new ArrayList<>();
        for (Path file : files) {
            JsonNode root = Json.readTree(file);
            if (root == null || !root.isObject()) {
                throw new IOException(file + ": expected a JSON object");
            }
            sources.add(new JsonSource(file, root));
        }
        return new SpecialTokens(
                special(sources, "bos_token", SpecialTokens.START_OF_TEXT),
                special(sources, "eos_token", SpecialTokens.END_OF_TEXT),
                special(sources, "unk_token", SpecialTokens.END_OF_TEXT),
                special(sources, "pad_token", SpecialTokens.END_OF_TEXT));
    }

    /** A special token is written either as a string or as an AddedToken object with "content". */
    private static SpecialTokens.Spec special(List<JsonSource> sources, String field, String fallback)
            throws IOException {
        for (JsonSource source : sources) {
            JsonNode node = source.root().get(field);
            if (node == null || node.isNull()) {
                continue;
            }
            if (node.isTextual()) {
                return SpecialTokens.Spec.verbatim(node.textValue());
            }
            if (node.isObject() && node.path("content").isTextual()) {
                return new SpecialTokens.Spec(node.get("content").textValue(),
                        node.path("normalized").asBoolean(false));
            }
            throw new IOException(source.file() + ": " + field
                    + " must be a string or an object with \"content\", got " + node);
        }
        return SpecialTokens.Spec.verbatim(fallback);
    }

    private static void requireFile(Path file, String what) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException(what + " not found: " + file);
        }
    }
}
