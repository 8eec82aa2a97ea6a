package dev.likeness.engine.tokenizer;

import dev.likeness.util.AtomicFiles;
import dev.likeness.util.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/**
 * OpenAI's CLIP BPE (MIT, see clip-bpe-LICENSE.txt), shipped in the jar so that a bare single-file checkpoint
 * runs offline, as ComfyUI does. Only the merges are stored; the vocabulary follows from them exactly as CLIP's
 * SimpleTokenizer builds it: the 256 byte symbols, the same with {@code </w>}, one token per merge, then the start
 * and end tokens. SD 1.x and 2.x share it and differ only in the padding token.
 */
public final class BuiltInClipBpe {
    static final String MERGES_RESOURCE = "clip-bpe-merges.txt.gz";
    private static final String END_OF_WORD = "</w>";

    private static volatile Data data;

    private BuiltInClipBpe() {}

    /** The parsed merges and derived vocabulary, read once per JVM. */
    private record Data(List<String> mergeLines, Map<String, Integer> vocab) {}

    /** The CLIP tokenizer padding with {@code padToken} ({@code <|endoftext|>} for SD 1.x, "!" for SD 2.x). */
    public static ClipTokenizer tokenizer(String padToken) {
        Data d = data();
        return ClipTokenizer.of(d.vocab(), d.mergeLines(), padToken);
    }

    /** The vocabulary, token → id, as {@code vocab.json} holds it. */
    public static Map<String, Integer> vocabulary() {
        return data().vocab();
    }

    /** The merge rules in priority order, without the {@code #version} header. */
    public static List<String> merges() {
        return data().mergeLines();
    }

    /** Writes a diffusers {@code tokenizer/} folder (vocab.json, merges.txt, tokenizer_config.json), atomically per file. */
    public static void writeFolder(Path dir, String padToken) throws IOException {
        Files.createDirectories(dir);
        Data d = data();
        AtomicFiles.writeBytes(dir.resolve(TokenizerLoader.VOCAB_FILE), Json.MAPPER.writeValueAsBytes(d.vocab()));
        StringBuilder merges = new StringBuilder("#version: 0.2\n");
        d.mergeLines().forEach(line -> merges.append(line).append('\n'));
        AtomicFiles.writeString(dir.resolve(TokenizerLoader.MERGES_FILE), merges.toString());
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("bos_token", SpecialTokens.START_OF_TEXT);
        config.put("eos_token", SpecialTokens.END_OF_TEXT);
        config.put("model_max_length", ClipTokenizer.MAX_LENGTH);
        config.put("pad_token", padToken);
        config.put("tokenizer_class", "CLIPTokenizer");
        config.put("unk_token", SpecialTokens.END_OF_TEXT);
        AtomicFiles.writeBytes(dir.resolve(TokenizerLoader.CONFIG_FILE), Json.MAPPER.writeValueAsBytes(config));
    }

    private static Data data() {
        Data d = data;
        if (d == null) {
            synchronized (BuiltInClipBpe.class) {
                d = data;
                if (d == null) {
                    d = read();
                    data = d;
                }
            }
        }
        return d;
    }

    private static Data read() {
        List<String> lines = new ArrayList<>(49_000);
        try (InputStream raw = BuiltInClipBpe.class.getResourceAsStream(MERGES_RESOURCE)) {
            if (raw == null) {
                throw new IllegalStateException("the built-in CLIP tokenizer is missing from the jar ("
                        + MERGES_RESOURCE + ")");
            }
            try (BufferedReader in = new BufferedReader(
                    new InputStreamReader(new GZIPInputStream(raw), StandardCharsets.UTF_8))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    if (!line.isBlank() && !line.startsWith("#version")) {
                        lines.add(line);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the built-in CLIP tokenizer", e);
        }
        Map<String, Integer> vocab = new LinkedHashMap<>(100_000);
        List<String> symbols = byteSymbolsInClipOrder();
        for (String s : symbols) {
            vocab.put(s, vocab.size());
        }
        for (String s : symbols) {
            vocab.put(s + END_OF_WORD, vocab.size());
        }
        for (String line : lines) {
            vocab.put(MergeRule.parse(line).merged(), vocab.size());
        }
        vocab.put(SpecialTokens.START_OF_TEXT, vocab.size());
        vocab.put(SpecialTokens.END_OF_TEXT, vocab.size());
        return new Data(List.copyOf(lines), Collections.unmodifiableMap(vocab));
    }

    /** CLIP lists the printable bytes first (in byte order), then the remapped ones (bytes_to_unicode's values). */
    private static List<String> byteSymbolsInClipOrder() {
        List<String> bySymbolValue = ByteLevelAlphabet.symbols();
        List<String> printable = new ArrayList<>();
        List<String> moved = new ArrayList<>();
        for (int b = 0; b < 256; b++) {
            String s = bySymbolValue.get(b);
            (s.charAt(0) == (char) b ? printable : moved).add(s);
        }
        printable.addAll(moved);
        return printable;
    }
}
