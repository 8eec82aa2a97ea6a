package dev.likeness.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.likeness.server.models.ModelDownloader;
import dev.likeness.testing.Golden;
import dev.likeness.util.Json;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `pull NAME` leaves a model that `generate --model NAME` runs with nothing else, and `models list` shows it with its
 * family and catalog name. The file is served from this machine; the catalog entry says its sha256.
 */
class PulledModelsTest {
    @TempDir
    Path home;

    private HttpServer http;
    private String previousHome;

    @AfterEach
    void stop() {
        if (http != null) {
            http.stop(0);
        }
        if (previousHome == null) {
            System.clearProperty("likeness.home");
        } else {
            System.setProperty("likeness.home", previousHome);
        }
    }

    @Test
    void pullThenGenerateByCatalogNameThenListIt() throws Exception {
        byte[] data = Files.readAllBytes(Golden.singleFile("sd1"));
        http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        http.createContext("/m/", ex -> {
            ex.sendResponseHeaders(200, data.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(data);
            }
        });
        http.start();
        Path models = Files.createDirectories(home.resolve("models"));
        String url = "http://127.0.0.1:" + http.getAddress().getPort() + "/m/tiny-sd1.safetensors";
        Files.writeString(models.resolve("catalog.json"), "{\"version\":1,\"models\":[{\"name\":\"tiny15\","
                + "\"family\":\"sd1\",\"description\":\"tiny SD1\",\"url\":\"" + url + "\",\"file\":\"tiny-sd1.safetensors\","
                + "\"sha256\":\"" + ModelDownloader.sha256(Golden.singleFile("sd1")) + "\",\"predictionType\":\"epsilon\"},"
                + "{\"name\":\"later\",\"family\":\"sd2\",\"description\":\"not pulled\",\"url\":\"" + url
                + "x\",\"file\":\"later.safetensors\",\"sha256\":null}]}");
        previousHome = System.getProperty("likeness.home");
        System.setProperty("likeness.home", home.toString());

        CliTest.Result missing = CliTest.run("generate", "--model", "later", "--prompt", "x", "--out",
                home.resolve("x.png").toString());
        assertEquals(2, missing.code());
        assertTrue(missing.err().contains("is not installed yet: run `likeness pull later`"), missing.err());

        CliTest.Result pull = CliTest.run("pull", "tiny15");
        assertEquals(0, pull.code(), pull.err());
        assertTrue(pull.out().contains("verified"), pull.out());
        JsonNode record = Json.readTree(models.resolve("tiny-sd1.safetensors.likeness.json"));
        assertEquals("tiny15", record.get("catalog").asText());

        Path png = home.resolve("cat.png");
        CliTest.Result gen = CliTest.run("generate", "--model", "tiny15", "--prompt", "a cat", "--steps", "1",
                "--width", "64", "--height", "64", "--out", png.toString());
        assertEquals(0, gen.code(), gen.err());
        assertEquals(64, ImageIO.read(png.toFile()).getWidth());

        ServeCommand serve = new ServeCommand(new LocalEngine());
        new picocli.CommandLine(serve).parseArgs("--model", "tiny15", "--data-dir", home.resolve("data").toString());
        assertEquals(models.resolve("tiny-sd1.safetensors").toAbsolutePath(), serve.config().model(),
                "serve --model takes the catalog name too");

        CliTest.Result list = CliTest.run("models", "list");
        assertEquals(0, list.code(), list.err());
        JsonNode entry = Json.MAPPER.readTree(list.out().lines().filter(l -> l.contains("tiny-sd1")).findFirst()
                .orElseThrow());
        assertEquals("tiny15", entry.get("catalog").asText());
        assertEquals("sd1", entry.get("family").asText());
        assertEquals(data.length, entry.get("bytes").asLong());
    }
}
