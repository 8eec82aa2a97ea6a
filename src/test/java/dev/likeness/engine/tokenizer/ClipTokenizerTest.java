package dev.likeness.engine.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.likeness.testing.Golden;
import dev.likeness.util.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ClipTokenizerTest {
    @TempDir
    Path tmp;

    private static ClipTokenizer loadGolden(String family) throws IOException {
        return ClipTokenizer.load(Golden.model(family).resolve("tokenizer"));
    }

    private static JsonNode expected(String family) throws IOException {
        return Json.readTree(Golden.file(family, "tokenizer.json"));
    }

    private static long[] longs(JsonNode array) {
        long[] out = new long[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).longValue();
        }
        return out;
    }

    private static List<Integer> ints(JsonNode array) {
        List<Integer> out = new ArrayList<>();
        array.forEach(n -> out.add(n.intValue()));
        return out;
    }

    // ---- parity with Hugging Face on the reference vocabulary ----

    @ParameterizedTest
    @ValueSource(strings = {"sd1", "sd2"})
    void matchesEveryGoldenCase(String family) throws IOException {
        ClipTokenizer tok = loadGolden(family);
        JsonNode golden = expected(family);
        assertEquals(golden.get("pad_token_id").intValue(), tok.padId(), "pad id");
        assertEquals(golden.get("pad_token").textValue(), tok.decode(tok.padId()), "pad token");

        JsonNode cases = golden.get("cases");
        assertTrue(cases.size() >= 30, "expected the full golden case list, got " + cases.size());
        List<String> failures = new ArrayList<>();
        for (JsonNode c : cases) {
            String prompt = c.get("prompt").textValue();
            long[] ids = tok.encode(prompt);
            assertEquals(ClipTokenizer.MAX_LENGTH, ids.length);
            if (!Arrays.equals(longs(c.get("input_ids")), ids)) {
                failures.add("input_ids of " + Json.write(prompt) + ": " + Arrays.toString(ids));
            }
            List<Integer> untruncated = tok.encodeUntruncated(prompt);
            if (!ints(c.get("untruncated_ids")).equals(untruncated)) {
                failures.add("untruncated_ids of " + Json.write(prompt) + ": " + untruncated);
            }
        }
        assertEquals("", String.join("\n", failures), family + " mismatches");
    }

    @ParameterizedTest
    @ValueSource(strings = {"sd1", "sd2"})
    void matchesEveryGoldenAddedTokenCase(String family) throws IOException {
        ClipTokenizer tok = loadGolden(family);
        JsonNode golden = expected(family);
        JsonNode names = golden.get("added_tokens");
        JsonNode ids = golden.get("added_token_ids");
        assertEquals(2, names.size());
        for (int i = 0; i < names.size(); i++) {
            assertEquals(ids.get(i).intValue(), tok.addToken(names.get(i).textValue()), names.get(i).textValue());
        }
        assertEquals(List.of("<my-cat>", "<my-dog>"), tok.addedTokens());
        assertEquals(49408 + golden.get("n_added").intValue(), tok.vocabSize());

        JsonNode cases = golden.get("added_cases");
        assertTrue(cases.size() >= 3, "expected the added-token cases");
        for (JsonNode c : cases) {
            String prompt = c.get("prompt").textValue();
            assertArrayEquals(longs(c.get("input_ids")), tok.encode(prompt), prompt);
        }
    }

    @Test
    void referenceVocabularyBasics() throws IOException {
        ClipTokenizer sd1 = loadGolden("sd1");
        assertEquals(49406, sd1.bosId());
        assertEquals(49407, sd1.eosId());
        assertEquals(49407, sd1.padId());
        assertEquals(49408, sd1.vocabSize());
        assertEquals(List.of(1929), sd1.tokenizeWord("dog"));
        assertEquals(List.of(1929), sd1.tokenizeWord(" Dog "));
        assertEquals(OptionalInt.of(1929), sd1.tokenId("dog</w>"));
        assertEquals(OptionalInt.empty(), sd1.tokenId("no-such-token</w>"));
        assertEquals("dog</w>", sd1.decode(1929));
        assertEquals("<|startoftext|>", sd1.decode(49406));
        assertTrue(sd1.addedTokens().isEmpty());
        assertThrows(IllegalArgumentException.class, () -> sd1.decode(49408));
        assertThrows(IllegalArgumentException.class, () -> sd1.decode(-1));

        ClipTokenizer sd2 = loadGolden("sd2");
        assertEquals(0, sd2.padId());
        assertEquals("!", sd2.decode(0));
        assertEquals(49408, sd2.vocabSize());
    }

    @Test
    void specialPadTokenIsCutOutOfTheText() throws IOException {
        // SD 2.x registers its pad token "!" as a special token, so "!!!" is three pad ids, not the "!!!" token
        ClipTokenizer sd1 = loadGolden("sd1");
        ClipTokenizer sd2 = loadGolden("sd2");
        assertEquals(1, sd1.tokenizeWord("!!!").size());
        assertEquals(List.of(0, 0, 0), sd2.tokenizeWord("!!!"));
        assertEquals(List.of(sd2.tokenizeWord("wow").get(0), 0), sd2.tokenizeWord("wow!"));
    }

    @Test
    void addedTokensMatchInNormalizedTextWithoutNeedingSpaces() throws IOException {
        ClipTokenizer tok = loadGolden("sd1");
        int cat = tok.addToken("<my-cat>");
        assertEquals(49408, cat);
        assertArrayEquals(tok.encode("a <my-cat>"), tok.encode("A   <MY-CAT>"));
        int x = tok.tokenizeWord("x").get(0);
        int y = tok.tokenizeWord("y").get(0);
        assertEquals(List.of(x, cat, y), tok.tokenizeWord("x<my-cat>y"));
        assertEquals(List.of(cat), tok.tokenizeWord("<my-cat>"));
        assertEquals(OptionalInt.of(cat), tok.tokenId("<my-cat>"));
        assertEquals("<my-cat>", tok.decode(cat));
    }

    @Test
    void addTokenRejectsExistingTokens() throws IOException {
        ClipTokenizer tok = loadGolden("sd1");
        tok.addToken("<my-cat>");
        assertThrows(IllegalArgumentException.class, () -> tok.addToken("<my-cat>"));
        assertThrows(IllegalArgumentException.class, () -> tok.addToken("<MY-CAT>"));
        assertThrows(IllegalArgumentException.class, () -> tok.addToken("dog</w>"));
        assertThrows(IllegalArgumentException.class, () -> tok.addToken("<|endoftext|>"));
        assertThrows(IllegalArgumentException.class, () -> tok.addToken(" "));
        assertEquals(List.of("<my-cat>"), tok.addedTokens());
        assertEquals(49409, tok.vocabSize());
        assertEquals(49409, tok.addToken("<my-dog>"));
    }

    @Test
    void encodesConcurrentlyLikeSequentially() throws Exception {
        ClipTokenizer tok = loadGolden("sd1");
        List<String> prompts = new ArrayList<>();
        expected("sd1").get("cases").forEach(c -> prompts.add(c.get("prompt").textValue()));
        List<long[]> sequential = prompts.stream().map(tok::encode).toList();
        ClipTokenizer fresh = loadGolden("sd1");
        IntStream.range(0, prompts.size() * 20).parallel().forEach(i -> {
            int k = i % prompts.size();
            assertArrayEquals(sequential.get(k), fresh.encode(prompts.get(k)), prompts.get(k));
        });
    }

    // ---- a hand-made vocabulary ----

    private static Map<String, Integer> tinyVocab() {
        Map<String, Integer> v = new LinkedHashMap<>();
        for (String t : List.of("!", "<|startoftext|>", "<|endoftext|>", "a", "b", "c", "a</w>", "b</w>", "c</w>",
                "ab", "abc</w>", "ab</w>", "bc</w>")) {
            v.put(t, v.size());
        }
        return v;
    }

    // "b c</w>" ranks below "ab c</w>", so "abc" must become one token only if ranks are respected
    private static final List<String> TINY_MERGES = List.of("a b", "ab c</w>", "b c</w>", "a b</w>");

    @Test
    void handMadeVocabulary() {
        ClipTokenizer tok = ClipTokenizer.of(tinyVocab(), TINY_MERGES, "!");
        assertEquals(1, tok.bosId());
        assertEquals(2, tok.eosId());
        assertEquals(0, tok.padId());
        assertEquals(13, tok.vocabSize());

        assertEquals(List.of(10), tok.tokenizeWord("abc"));
        assertEquals(List.of(10), tok.tokenizeWord("ABC"));
        assertEquals(List.of(12), tok.tokenizeWord("bc"));
        assertEquals(List.of(11), tok.tokenizeWord("ab"));
        assertEquals(List.of(5, 11), tok.tokenizeWord("cab"));
        assertEquals(List.of(6, 0, 7), tok.tokenizeWord("a!b"), "the special pad token is cut out");
        assertEquals(List.of(2, 2), tok.tokenizeWord("dd"), "unknown characters are unk, one each");

        long[] expected = new long[ClipTokenizer.MAX_LENGTH];
        expected[0] = 1;
        expected[1] = 10;
        expected[2] = 6;
        expected[3] = 2;
        assertArrayEquals(expected, tok.encode("abc a"));
        assertEquals(List.of(1, 10, 6, 2), tok.encodeUntruncated("abc a"));

        ClipTokenizer eosPadded = ClipTokenizer.of(tinyVocab(), TINY_MERGES, "<|endoftext|>");
        assertEquals(2, eosPadded.padId());
        assertEquals(2, eosPadded.encode("abc a")[76]);

        String long100 = "a ".repeat(100);
        long[] truncated = tok.encode(long100);
        assertEquals(1, truncated[0]);
        assertTrue(IntStream.range(1, 76).allMatch(i -> truncated[i] == 6));
        assertEquals(2, truncated[76], "eos stays last after truncation");
        assertEquals(102, tok.encodeUntruncated(long100).size());

        assertEquals(13, tok.addToken("<x>"));
        assertEquals(14, tok.vocabSize());
        assertEquals("<x>", tok.decode(13));
        assertEquals("abc</w>", tok.decode(10));
        assertEquals(List.of(6, 13, 8), tok.tokenizeWord("a <X> c"));
        assertThrows(IllegalArgumentException.class, () -> tok.decode(14));
    }

    @Test
    void handMadeVocabularyErrors() {
        Map<String, Integer> v = tinyVocab();
        assertThrows(IllegalArgumentException.class, () -> ClipTokenizer.of(v, List.of("a"), "!"));
        assertThrows(IllegalArgumentException.class, () -> ClipTokenizer.of(v, List.of("a  b"), "!"));
        assertThrows(IllegalArgumentException.class, () -> ClipTokenizer.of(v, List.of("a z"), "!"));
        assertThrows(IllegalArgumentException.class, () -> ClipTokenizer.of(v, List.of("c a"), "!"), "ca not in vocab");
        assertThrows(IllegalArgumentException.class, () -> ClipTokenizer.of(v, TINY_MERGES, "<pad>"));

        Map<String, Integer> noBos = new LinkedHashMap<>(v);
        noBos.remove("<|startoftext|>");
        noBos.replaceAll((k, id) -> id > 1 ? id - 1 : id);
        assertThrows(IllegalArgumentException.class, () -> ClipTokenizer.of(noBos, List.of(), "!"));

        Map<String, Integer> gap = new LinkedHashMap<>(v);
        gap.put("zz", 20);
        assertThrows(IllegalArgumentException.class, () -> ClipTokenizer.of(gap, List.of(), "!"));
        Map<String, Integer> repeated = new LinkedHashMap<>(v);
        repeated.put("zz", 3);
        repeated.put("yy", 14);
        assertThrows(IllegalArgumentException.class, () -> ClipTokenizer.of(repeated, List.of(), "!"));
    }

    // ---- loading from files ----

    private Path writeFolder(String vocabJson, String merges, String config) throws IOException {
        Path dir = Files.createTempDirectory(tmp, "tok");
        if (vocabJson != null) {
            Files.writeString(dir.resolve("vocab.json"), vocabJson);
        }
        if (merges != null) {
            Files.writeString(dir.resolve("merges.txt"), merges);
        }
        if (config != null) {
            Files.writeString(dir.resolve("tokenizer_config.json"), config);
        }
        return dir;
    }

    private static final String TINY_MERGES_FILE = "#version: 0.2\n" + String.join("\n", TINY_MERGES) + "\n";

    private IOException loadFails(Path dir, String fileNamed) {
        IOException e = assertThrows(IOException.class, () -> ClipTokenizer.load(dir));
        assertTrue(e.getMessage().contains(fileNamed), "message should name " + fileNamed + ": " + e.getMessage());
        assertFalse(e.getMessage().contains("\n"), "one-line message: " + e.getMessage());
        return e;
    }

    @Test
    void loadsAFolderWithOrWithoutConfig() throws IOException {
        String vocab = Json.write(tinyVocab());
        ClipTokenizer noConfig = ClipTokenizer.load(writeFolder(vocab, TINY_MERGES_FILE, null));
        assertEquals(2, noConfig.padId());
        assertEquals(List.of(10), noConfig.tokenizeWord("abc"));

        ClipTokenizer stringPad = ClipTokenizer.load(writeFolder(vocab, TINY_MERGES_FILE, "{\"pad_token\": \"!\"}"));
        assertEquals(0, stringPad.padId());

        ClipTokenizer objectPad = ClipTokenizer.load(writeFolder(vocab, TINY_MERGES_FILE,
                "{\"pad_token\": {\"__type\": \"AddedToken\", \"content\": \"!\", \"normalized\": false}}"));
        assertEquals(0, objectPad.padId());
        assertEquals(List.of(6, 0), objectPad.tokenizeWord("a!"));

        Path mapOnly = writeFolder(vocab, TINY_MERGES_FILE, "{\"model_max_length\": 77}");
        Files.writeString(mapOnly.resolve("special_tokens_map.json"), "{\"pad_token\": \"!\"}");
        assertEquals(0, ClipTokenizer.load(mapOnly).padId(), "pad token from special_tokens_map.json");

        Path both = writeFolder(vocab, TINY_MERGES_FILE, "{\"pad_token\": \"<|endoftext|>\"}");
        Files.writeString(both.resolve("special_tokens_map.json"), "{\"pad_token\": \"!\"}");
        assertEquals(2, ClipTokenizer.load(both).padId(), "tokenizer_config.json comes first");
    }

    @Test
    void loadErrorsNameTheFile() throws IOException {
        String vocab = Json.write(tinyVocab());
        loadFails(tmp.resolve("nowhere"), "nowhere");
        loadFails(writeFolder(null, TINY_MERGES_FILE, null), "vocab.json");
        loadFails(writeFolder("{\"a\": 0,", TINY_MERGES_FILE, null), "vocab.json");
        loadFails(writeFolder("[\"a\"]", TINY_MERGES_FILE, null), "vocab.json");
        loadFails(writeFolder("{\"a\": \"zero\"}", TINY_MERGES_FILE, null), "vocab.json");
        loadFails(writeFolder("{\"a\": 5}", TINY_MERGES_FILE, null), "vocab.json");
        loadFails(writeFolder(vocab, null, null), "merges.txt");
        loadFails(writeFolder(vocab, "#version: 0.2\na b\nab\n", null), "merges.txt line 3");
        loadFails(writeFolder(vocab, "#version: 0.2\na q\n", null), "merges.txt");
        Path badBytes = writeFolder(vocab, null, null);
        Files.write(badBytes.resolve("merges.txt"), new byte[] {'a', ' ', (byte) 0xC3, '\n'});
        loadFails(badBytes, "merges.txt");
        loadFails(writeFolder(vocab, TINY_MERGES_FILE, "{\"pad_token\": \"<pad>\"}"), "<pad>");
        loadFails(writeFolder(vocab, TINY_MERGES_FILE, "{\"pad_token\": 7}"), "tokenizer_config.json");
        loadFails(writeFolder(vocab, TINY_MERGES_FILE, "{oops"), "tokenizer_config.json");
        String noEot = Json.write(Map.of("a", 0, "<|startoftext|>", 1, "a</w>", 2));
        loadFails(writeFolder(noEot, "", null), "<|endoftext|>");
    }

    @Test
    void loadsTheReferenceVocabularyQuickly() throws IOException {
        Path dir = Golden.model("sd1").resolve("tokenizer");
        ClipTokenizer.load(dir); // warm up class loading and the JIT
        long start = System.nanoTime();
        ClipTokenizer.load(dir);
        double seconds = (System.nanoTime() - start) / 1e9;
        // generous bound for a busy 2-core machine; a regression to quadratic loading would blow far past it
        assertTrue(seconds < 3, "loading took " + seconds + " s");
    }
}
