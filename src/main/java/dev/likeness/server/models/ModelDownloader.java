package dev.likeness.server.models;

import dev.likeness.server.security.HostCheck;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;

/**
 * Downloads one model file into place: into {@code <file>.part} first, resuming it with a Range request when a
 * previous attempt stopped, then verifies the sha256 of the whole file and renames it to its final name. A file
 * that fails verification is deleted, never installed.
 */
public final class ModelDownloader {
    /** Receives progress; {@code total} is -1 when the server does not say. */
    @FunctionalInterface
    public interface Listener {
        void progress(long done, long total);
    }

    public record Result(Path file, String sha256, long bytes, boolean resumed, boolean alreadyPresent) {}

    private final HttpClient client;

    public ModelDownloader(HttpClient client) {
        this.client = client;
    }

    public static HttpClient defaultClient() {
        return HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL)
                .connectTimeout(Duration.ofSeconds(20)).build();
    }

    /**
     * @param expectedSha256 lower-case hex, or null only when {@code skipVerify} is set
     */
    public Result download(URI url, Path target, String expectedSha256, boolean skipVerify, Listener listener)
            throws IOException, InterruptedException {
        checkUrl(url);
        if (expectedSha256 == null && !skipVerify) {
            throw new IOException("no sha256 is known for " + target.getFileName()
                    + "; give --sha256 or, at your own risk, --insecure-skip-verify");
        }
        String expected = expectedSha256 == null ? null : expectedSha256.toLowerCase(Locale.ROOT);
        if (Files.isRegularFile(target)) {
            String actual = sha256(target);
            if (expected == null || expected.equals(actual)) {
                return new Result(target, actual, Files.size(target), false, true);
            }
            throw new IOException(target.getFileName() + " already exists with a different sha256 (" + actual
                    + "); move it away to download again");
        }
        Files.createDirectories(target.toAbsolutePath().getParent());
        Path part = target.resolveSibling(target.getFileName() + ".part");
        long have = Files.isRegularFile(part) ? Files.size(part) : 0;
        boolean resumed = fetch(url, part, have, listener);
        String actual = sha256(part);
        if (expected != null && !expected.equals(actual)) {
            Files.deleteIfExists(part);
            throw new IOException("sha256 mismatch for " + target.getFileName() + ": expected " + expected + ", got "
                    + actual + "; the download was deleted");
        }
        try {
            Files.move(part, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(part, target);
        }
        return new Result(target, actual, Files.size(target), resumed, false);
    }

    /** Appends the rest of the file to {@code part}; returns whether an earlier partial download was continued. */
    private boolean fetch(URI url, Path part, long have, Listener listener) throws IOException, InterruptedException {
        HttpRequest.Builder req = HttpRequest.newBuilder(url).timeout(Duration.ofMinutes(2)).GET();
        if (have > 0) {
            req.header("Range", "bytes=" + have + "-");
        }
        HttpResponse<InputStream> resp = client.send(req.build(), HttpResponse.BodyHandlers.ofInputStream());
        int status = resp.statusCode();
        try (InputStream body = resp.body()) {
            long offset;
            if (status == 206) {
                offset = rangeStart(resp).orElse(-1L);
                if (offset != have) {
                    throw new IOException("the server resumed at byte " + offset + " instead of " + have);
                }
            } else if (status == 416 && have > 0) {
                return true; // nothing left to fetch; the hash check decides whether the file is whole
            } else if (status == 200) {
                offset = 0; // the server ignored the Range header: start over
            } else {
                throw new IOException("download failed: HTTP " + status + " from " + url.getHost());
            }
            long total = resp.headers().firstValueAsLong("Content-Length").orElse(-1L);
            total = total < 0 ? -1 : total + offset;
            try (FileChannel out = FileChannel.open(part, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
                out.truncate(offset);
                out.position(offset);
                byte[] buf = new byte[1 << 16];
                long done = offset;
                int n;
                try {
                    while ((n = body.read(buf)) > 0) {
                        out.write(ByteBuffer.wrap(buf, 0, n));
                        done += n;
                        listener.progress(done, total);
                    }
                } catch (IOException e) {
                    out.force(true);
                    throw new IOException("the download was interrupted at " + done + " bytes ("
                            + e.getMessage() + "); run the same command again to resume");
                }
                out.force(true);
                if (total >= 0 && done != total) {
                    throw new IOException("the download stopped at " + done + " of " + total
                            + " bytes; run the same command again to resume");
                }
            }
            return offset > 0;
        }
    }

    private static Optional<Long> rangeStart(HttpResponse<?> resp) {
        return resp.headers().firstValue("Content-Range").map(v -> {
            String s = v.trim();
            if (!s.startsWith("bytes ") || s.indexOf('-') < 0) {
                return -1L;
            }
            try {
                return Long.parseLong(s.substring(6, s.indexOf('-')).trim());
            } catch (NumberFormatException e) {
                return -1L;
            }
        });
    }

    /** https only, except plain http to this machine (local mirrors, tests). */
    static void checkUrl(URI url) throws IOException {
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        boolean local = url.getHost() != null && HostCheck.isLoopback(url.getHost());
        if (!scheme.equals("https") && !(scheme.equals("http") && local)) {
            throw new IOException("only https:// URLs can be downloaded (http:// only from this machine): " + url);
        }
    }

    public static String sha256(Path file) throws IOException {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer buf = ByteBuffer.allocateDirect(1 << 20);
            while (ch.read(buf) > 0) {
                buf.flip();
                md.update(buf);
                buf.clear();
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }
}
