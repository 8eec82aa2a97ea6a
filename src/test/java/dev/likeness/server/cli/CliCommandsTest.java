package dev.likeness.server.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.likeness.cli.PullCommand;
import dev.likeness.cli.ServeCommand;
import dev.likeness.server.models.ModelDownloader;
import dev.likeness.server.support.FakeEngine;
import dev.likeness.testing.Golden;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** `likeness pull` and `likeness serve` as a user runs them: exit codes and one-line errors, no stack traces. */
class CliCommandsTest {
    @TempDir
    Path dir;

    record Run(int code, String out, String err) {}

    private static Run run(Object command, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = new CommandLine(command);
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int code = cl.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void pullByCatalogNameFromALocalServer() throws Exception {
        byte[] data = Files.readAllBytes(Golden.singleFile("sd1"));
        String sha = ModelDownloader.sha256(Golden.singleFile("sd1"));
        HttpServer http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        http.createContext("/tiny.safetensors", ex -> {
            ex.sendResponseHeaders(200, data.length);
            try (OutputStream o = ex.getResponseBody()) {
                o.write(data);
            }
        });
        http.start();
        try {
            String url = "http://127.0.0.1:" + http.getAddress().getPort() + "/tiny.safetensors";
            Path models = dir.resolve("models");
            Files.createDirectories(models);
            Files.writeString(models.resolve("catalog.json"), "{\"version\":1,\"models\":["
                    + "{\"name\":\"tiny\",\"family\":\"sd1\",\"url\":\"" + url + "\",\"file\":\"tiny.safetensors\","
                    + "\"sha256\":\"" + sha + "\"},"
                    + "{\"name\":\"unverified\",\"family\":\"sd1\",\"url\":\"" + url + "\",\"file\":\"u.safetensors\","
                    + "\"sha256\":null}]}");
            Run ok = run(new PullCommand(), "tiny", "--models-dir", models.toString());
            assertEquals(0, ok.code(), ok.err());
            assertTrue(ok.out().contains("verified"), ok.out());
            assertEquals(sha, ModelDownloader.sha256(models.resolve("tiny.safetensors")));

            Run refused = run(new PullCommand(), "unverified", "--models-dir", models.toString());
            assertEquals(1, refused.code());
            assertTrue(refused.err().contains("--insecure-skip-verify"), refused.err());
            assertFalse(refused.err().contains("\tat "), "no stack trace");
            assertFalse(Files.exists(models.resolve("u.safetensors")));

            Run unknown = run(new PullCommand(), "nope", "--models-dir", models.toString());
            assertEquals(1, unknown.code());
            assertTrue(unknown.err().contains("not in the catalog"), unknown.err());
        } finally {
            http.stop(0);
        }
    }

    @Test
    void pullRefusesPickleCheckpoints() {
        Run r = run(new PullCommand(), "https://example.invalid/model.ckpt", "--models-dir", dir.toString(),
                "--sha256", "0".repeat(64));
        assertEquals(1, r.code());
        assertTrue(r.err().contains("pickle"), r.err());
    }

    @Test
    void theRepositoryCatalogListsSd15AndSd21WithHashes() throws Exception {
        var catalog = dev.likeness.server.models.ModelCatalog.read(Path.of("models/catalog.json"));
        for (String name : new String[] {"sd15", "sd21"}) {
            var e = catalog.byName(name).orElseThrow();
            assertTrue(e.url().startsWith("https://"), e.url());
            assertTrue(e.file().endsWith(".safetensors"));
            assertTrue(e.sha256() != null && e.sha256().matches("[0-9a-f]{64}"), name);
        }
    }

    @Test
    void serveRefusesANonLoopbackHostWithoutAllowRemote() {
        Run r = run(new ServeCommand(new FakeEngine(0)), "--host", "0.0.0.0", "--data-dir", dir.toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--allow-remote"), r.err());
        assertFalse(Files.exists(dir.resolve("runtime.json")));
    }

    @Test
    void serveReportsAMissingModelInOneLine() {
        Run r = run(new ServeCommand(new FakeEngine(0)), "--model", dir.resolve("missing.safetensors").toString(),
                "--data-dir", dir.toString());
        assertEquals(1, r.code());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().startsWith("error: model not found"), r.err());
    }
}
