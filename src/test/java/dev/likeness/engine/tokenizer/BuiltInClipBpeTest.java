package dev.likeness.engine.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.likeness.testing.Golden;
import dev.likeness.util.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The CLIP BPE in the jar is exactly the published tokenizer: same vocabulary, same merges, same ids. */
class BuiltInClipBpeTest {
    @TempDir
    Path tmp;

    @Test
    void vocabularyDerivedFromTheMergesIsThePublishedVocabJson() throws IOException {
        Map<String, Integer> published = new LinkedHashMap<>();
        Json.readTree(Golden.model("sd1").resolve("tokenizer/vocab.json")).fields()
                .forEachRemaining(e -> published.put(e.getKey(), e.getValue().intValue()));
        assertEquals(49_408, BuiltInClipBpe.vocabulary().size());
        assertEquals(published, BuiltInClipBpe.vocabulary());
        List<String> merges = Files.readAllLines(Golden.model("sd1").resolve("tokenizer/merges.txt"),
                StandardCharsets.UTF_8).stream().filter(l -> !l.startsWith("#version") && !l.isBlank()).toList();
        assertEquals(merges, BuiltInClipBpe.merges());
    }

    @ParameterizedTest
    @ValueSource(strings = {"sd1", "sd2"})
    void builtInTokenizerGivesTheGoldenIdsWithEachFamilysPadding(String family) throws IOException {
        ClipTokenizer tok = BuiltInClipBpe.tokenizer(family.equals("sd2") ? "!" : "<|endoftext|>");
        JsonNode golden = Json.readTree(Golden.file(family, "tokenizer.json"));
        assertEquals(golden.get("pad_token_id").intValue(), tok.padId());
        for (JsonNode c : golden.get("cases")) {
            long[] want = new long[c.get("input_ids").size()];
            for (int i = 0; i < want.length; i++) {
                want[i] = c.get("input_ids").get(i).longValue();
            }
            assertArrayEquals(want, tok.encode(c.get("prompt").textValue()), c.get("prompt").textValue());
        }
    }

    @Test
    void writtenFolderLoadsBackAsTheSameTokenizer() throws IOException {
        Path dir = tmp.resolve("tokenizer");
        BuiltInClipBpe.writeFolder(dir, "!");
        ClipTokenizer back = ClipTokenizer.load(dir);
        ClipTokenizer builtIn = BuiltInClipBpe.tokenizer("!");
        for (String text : List.of("a photo of a cat", "an oil painting, trending on artstation!!", "")) {
            assertArrayEquals(builtIn.encode(text), back.encode(text), text);
        }
        assertEquals(0, back.padId());
    }
}
