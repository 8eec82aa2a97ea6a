package dev.likeness.server.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.likeness.testing.Golden;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Model download against a loopback HTTP server serving the tiny golden model: verify, resume, refuse. */
class ModelDownloaderTest {
    @TempDir
    Path dir;
    HttpServer http;
    byte[] data;
    String sha;
    final List<String> ranges = new CopyOnWriteArrayList<>();
    final AtomicLong bytesServed = new AtomicLong();
    volatile long cutAfter = -1;
    volatile boolean ignoreRange;

    @BeforeEach
    void serve() throws IOException {
        Path model = Golden.singleFile("sd1"); // any file will do; this one is at hand (skipped without the data)
        data = Files.readAllBytes(model);
        sha = ModelDownloader.sha256(model);
        http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        http.createContext("/m/", ex -> {
            String range = ex.getRequestHeaders().getFirst("Range");
            ranges.add(String.valueOf(range));
            int from = 0;
            if (range != null && !ignoreRange) {
                from = Integer.parseInt(range.substring("bytes=".length(), range.indexOf('-')));
                if (from >= data.length) {
                    ex.sendResponseHeaders(416, -1);
                    ex.close();
                    return;
                }
                ex.getResponseHeaders().add("Content-Range", "bytes " + from + "-" + (data.length - 1) + "/"
                        + data.length);
                ex.sendResponseHeaders(206, data.length - from);
            } else {
                ex.sendResponseHeaders(200, data.length);
            }
            try (OutputStream out = ex.getResponseBody()) {
                int end = cutAfter >= 0 ? (int) Math.min(data.length, from + cutAfter) : data.length;
                out.write(data, from, end - from);
                bytesServed.addAndGet(end - from);
                if (end < data.length) {
                    out.flush();
                    ex.getHttpContext().getServer(); // keep the exchange open no longer: drop the connection
                    throw new IOException("simulated connection drop");
                }
            }
        });
        http.start();
    }

    @AfterEach
    void stop() {
        http.stop(0);
    }

    private URI url() {
        return URI.create("http://127.0.0.1:" + http.getAddress().getPort() + "/m/tiny.safetensors");
    }

    private ModelDownloader downloader() {
        return new ModelDownloader(ModelDownloader.defaultClient());
    }

    @Test
    void downloadsAndVerifies() throws Exception {
        Path target = dir.resolve("tiny.safetensors");
        List<Long> progress = new CopyOnWriteArrayList<>();
        ModelDownloader.Result r = downloader().download(url(), target, sha, false, (d, t) -> progress.add(d));
        assertEquals(sha, r.sha256());
        assertEquals(sha, ModelDownloader.sha256(target));
        assertFalse(r.resumed());
        assertEquals(data.length, progress.get(progress.size() - 1));
        assertFalse(Files.exists(dir.resolve("tiny.safetensors.part")));
        assertTrue(downloader().download(url(), target, sha, false, (d, t) -> { }).alreadyPresent());
    }

    @Test
    void resumesAPartialDownloadWithARangeRequest() throws Exception {
        Path target = dir.resolve("tiny.safetensors");
        int half = data.length / 2;
        Files.write(dir.resolve("tiny.safetensors.part"), java.util.Arrays.copyOf(data, half));
        ModelDownloader.Result r = downloader().download(url(), target, sha, false, (d, t) -> { });
        assertTrue(r.resumed());
        assertEquals(List.of("bytes=" + half + "-"), ranges);
        assertEquals(data.length - half, bytesServed.get());
        assertEquals(sha, ModelDownloader.sha256(target));
    }

    @Test
    void interruptedTransferKeepsThePartAndTheNextRunResumes() throws Exception {
        Path target = dir.resolve("tiny.safetensors");
        cutAfter = 3_000_000;
        IOException e = assertThrows(IOException.class,
                () -> downloader().download(url(), target, sha, false, (d, t) -> { }));
        assertTrue(e.getMessage().contains("again to resume"), e.getMessage());
        assertFalse(Files.exists(target));
        long kept = Files.size(dir.resolve("tiny.safetensors.part"));
        assertTrue(kept > 0 && kept < data.length, "kept " + kept);
        cutAfter = -1;
        ModelDownloader.Result r = downloader().download(url(), target, sha, false, (d, t) -> { });
        assertTrue(r.resumed());
        assertEquals("bytes=" + kept + "-", ranges.get(ranges.size() - 1));
        assertEquals(sha, ModelDownloader.sha256(target));
    }

    @Test
    void serverIgnoringRangeStartsOver() throws Exception {
        ignoreRange = true;
        Path target = dir.resolve("tiny.safetensors");
        Files.write(dir.resolve("tiny.safetensors.part"), new byte[] {1, 2, 3});
        downloader().download(url(), target, sha, false, (d, t) -> { });
        assertEquals(sha, ModelDownloader.sha256(target));
    }

    @Test
    void wrongHashIsNeverInstalled() throws Exception {
        Path target = dir.resolve("tiny.safetensors");
        String wrong = "0".repeat(64);
        IOException e = assertThrows(IOException.class,
                () -> downloader().download(url(), target, wrong, false, (d, t) -> { }));
        assertTrue(e.getMessage().contains("sha256 mismatch") && e.getMessage().contains(sha), e.getMessage());
        assertFalse(Files.exists(target));
        assertFalse(Files.exists(dir.resolve("tiny.safetensors.part")));
    }

    @Test
    void unknownHashNeedsTheInsecureFlag() throws Exception {
        Path target = dir.resolve("tiny.safetensors");
        IOException e = assertThrows(IOException.class,
                () -> downloader().download(url(), target, null, false, (d, t) -> { }));
        assertTrue(e.getMessage().contains("--insecure-skip-verify"));
        assertTrue(ranges.isEmpty(), "nothing was fetched");
        assertEquals(sha, downloader().download(url(), target, null, true, (d, t) -> { }).sha256());
    }

    @Test
    void plainHttpOnlyToThisMachine() {
        assertThrows(IOException.class, () -> ModelDownloader.checkUrl(URI.create("http://example.com/x.safetensors")));
        assertThrows(IOException.class, () -> ModelDownloader.checkUrl(URI.create("ftp://127.0.0.1/x")));
    }
}
