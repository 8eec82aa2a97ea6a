package dev.likeness.methods.perfusion;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * Captions for the covariance, one per line (blank lines and lines starting with '#' skipped). The default corpus
 * ships with Likeness: 6,000 everyday captions generated from our own word lists (tools/perfusion/make_captions.py).
 *
 * @param sha256 of the captions joined by newlines, so the same captions give the same id however the file was laid out
 */
public record CaptionCorpus(List<String> captions, String sha256) {
    private static final String DEFAULT = "/dev/likeness/methods/perfusion/captions.txt";

    public static CaptionCorpus defaultCorpus() {
        try (InputStream in = CaptionCorpus.class.getResourceAsStream(DEFAULT)) {
            if (in == null) {
                throw new IllegalStateException("the default caption corpus is missing from the build");
            }
            return of(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    public static CaptionCorpus read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException("no such caption file: " + file);
        }
        CaptionCorpus c = of(Files.readString(file, StandardCharsets.UTF_8));
        if (c.captions().isEmpty()) {
            throw new IOException("no captions in " + file);
        }
        return c;
    }

    static CaptionCorpus of(String text) {
        List<String> lines = text.lines().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(String.join("\n", lines).getBytes(StandardCharsets.UTF_8));
            return new CaptionCorpus(lines, HexFormat.of().formatHex(digest));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
