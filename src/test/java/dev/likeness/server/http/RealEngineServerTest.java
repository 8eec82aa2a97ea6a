package dev.likeness.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.likeness.cli.LocalEngine;
import dev.likeness.cli.Main;
import dev.likeness.server.LikenessServer;
import dev.likeness.server.support.RawHttp;
import dev.likeness.server.support.SseClient;
import dev.likeness.server.support.TestServers;
import dev.likeness.testing.Golden;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real server with the real engine on the tiny model: the HTTP image equals the CLI's for the same request. */
class RealEngineServerTest {
    @TempDir
    Path dir;

    @Test
    void generateOverHttpEqualsTheCli() throws Exception {
        Path cliOut = dir.resolve("cli.png");
        int code = Main.run("generate", "--model", Golden.model("sd1").toString(), "--prompt", "a photo of a cat",
                "--negative", "blurry", "--seed", "7", "--steps", "6", "--sampler", "dpmpp_2m", "--width", "64",
                "--height", "64", "--out", cliOut.toString());
        assertEquals(0, code);
        BufferedImage expected = ImageIO.read(cliOut.toFile());

        try (LikenessServer server = LikenessServer.start(TestServers.config(dir.resolve("data"))
                .withModel(Golden.model("sd1")), new LocalEngine())) {
            RawHttp http = TestServers.client(server);
            RawHttp.Response submit = http.postJson("/api/v1/jobs/generate", "{\"prompt\":\"a photo of a cat\","
                    + "\"negativePrompt\":\"blurry\",\"seed\":7,\"steps\":6,\"sampler\":\"dpmpp_2m\",\"width\":64,"
                    + "\"height\":64}");
            assertEquals(202, submit.status(), submit.text());
            String id = submit.json().get("id").asText();
            List<SseClient.Event> events = SseClient.readAll(server.port(), server.token(),
                    "/api/v1/jobs/" + id + "/events", 120_000);
            assertEquals("done", events.get(events.size() - 1).name(), events.toString());
            assertTrue(events.stream().filter(e -> e.name().equals("progress")).count() >= 2, events.toString());
            JsonNode job = http.get("/api/v1/jobs/" + id).json();
            assertEquals("SUCCEEDED", job.get("state").asText(), job.toString());
            assertEquals("dpmpp_2m", job.get("results").get(0).get("metadata").get("sampler").asText());
            RawHttp.Response png = http.get(job.get("results").get(0).get("url").asText());
            BufferedImage actual = ImageIO.read(new ByteArrayInputStream(png.body()));
            for (int y = 0; y < 64; y++) {
                for (int x = 0; x < 64; x++) {
                    assertEquals(expected.getRGB(x, y), actual.getRGB(x, y), "pixel " + x + "," + y);
                }
            }
            assertEquals(400, http.postJson("/api/v1/jobs/generate", "{\"prompt\":\"x\",\"sampler\":\"bogus\"}")
                    .status());
        }
    }

    @Test
    void personalizeThenGenerateWithTheConcept() throws Exception {
        try (LikenessServer server = LikenessServer.start(TestServers.config(dir.resolve("data2"))
                .withModel(Golden.model("sd1")), new LocalEngine())) {
            RawHttp http = TestServers.client(server);
            java.io.ByteArrayOutputStream png = new java.io.ByteArrayOutputStream();
            ImageIO.write(dev.likeness.testing.TestImages.subject(64, 0), "png", png);
            String upload = http.postPng("/api/v1/uploads", png.toByteArray()).json().get("id").asText();
            RawHttp.Response submit = http.postJson("/api/v1/jobs/personalize", "{\"method\":\"textual-inversion\","
                    + "\"name\":\"toy-dog\",\"classWord\":\"dog\",\"steps\":4,\"images\":[\"" + upload + "\"],"
                    + "\"options\":{\"lr\":0.05,\"checkpointEvery\":2}}");
            assertEquals(202, submit.status(), submit.text());
            JsonNode job = TestServers.awaitFinished(http, submit.json().get("id").asText(), 120_000);
            assertEquals("SUCCEEDED", job.get("state").asText(), job.toString());
            assertEquals("<toy-dog>", job.get("output").get("token").asText(), job.toString());
            JsonNode concepts = http.get("/api/v1/concepts").json();
            assertTrue(concepts.toString().contains("toy-dog"), concepts.toString());
            assertEquals(409, http.postJson("/api/v1/jobs/personalize", "{\"method\":\"ti\",\"name\":\"toy-dog\","
                    + "\"classWord\":\"dog\",\"images\":[\"" + upload + "\"]}").status());

            RawHttp.Response gen = http.postJson("/api/v1/jobs/generate", "{\"prompt\":\"a photo of <toy-dog>\","
                    + "\"seed\":1,\"steps\":3,\"width\":64,\"height\":64,\"concepts\":[\"toy-dog\"]}");
            assertEquals(202, gen.status(), gen.text());
            JsonNode done = TestServers.awaitFinished(http, gen.json().get("id").asText(), 60_000);
            assertEquals("SUCCEEDED", done.get("state").asText(), done.toString());
            assertEquals("toy-dog", done.get("results").get(0).get("metadata").get("concepts").get(0).asText());
        }
    }

    @Test
    void previewsArriveOnTheStreamAndThePreviewRoute() throws Exception {
        try (LikenessServer server = LikenessServer.start(TestServers.config(dir.resolve("data3"))
                .withModel(Golden.model("sd1")), new LocalEngine())) {
            RawHttp http = TestServers.client(server);
            RawHttp.Response submit = http.postJson("/api/v1/jobs/generate", "{\"prompt\":\"a photo of a cat\","
                    + "\"seed\":3,\"steps\":5,\"width\":64,\"height\":64,\"preview\":true}");
            assertEquals(202, submit.status(), submit.text());
            String id = submit.json().get("id").asText();
            List<SseClient.Event> events = SseClient.readAll(server.port(), server.token(),
                    "/api/v1/jobs/" + id + "/events", 120_000);
            List<JsonNode> previews = new java.util.ArrayList<>();
            for (SseClient.Event e : events) {
                if (e.name().equals("preview")) {
                    previews.add(dev.likeness.util.Json.MAPPER.readTree(e.data()));
                }
            }
            assertEquals("done", events.get(events.size() - 1).name());
            assertTrue(!previews.isEmpty(), "preview events: " + events.size());
            JsonNode last = previews.get(previews.size() - 1);
            int total = last.get("total").asInt(); // the sampler's UNet steps (PNDM takes one more than asked)
            assertTrue(total >= 5, "total " + total);
            assertEquals(total, last.get("step").asInt(), "the last step always gets a preview");
            BufferedImage frame = ImageIO.read(new ByteArrayInputStream(
                    java.util.Base64.getDecoder().decode(last.get("png").asText())));
            assertEquals(64, frame.getWidth());
            assertEquals(64, last.get("width").asInt());

            RawHttp.Response png = http.get("/api/v1/jobs/" + id + "/preview");
            assertEquals(200, png.status(), png.text());
            assertEquals("image/png", png.headers().get("content-type"));
            assertEquals(Integer.toString(total), png.headers().get("x-preview-step"));
            assertEquals(64, ImageIO.read(new ByteArrayInputStream(png.body())).getHeight());

            String plain = http.postJson("/api/v1/jobs/generate", "{\"prompt\":\"a cat\",\"steps\":2,"
                    + "\"width\":64,\"height\":64}").json().get("id").asText();
            TestServers.awaitFinished(http, plain, 60_000);
            RawHttp.Response none = http.get("/api/v1/jobs/" + plain + "/preview");
            assertEquals(404, none.status(), none.text());
            assertEquals("NO_PREVIEW", none.errorCode(), none.text());
            RawHttp.Response bad = http.postJson("/api/v1/jobs/generate", "{\"prompt\":\"x\",\"preview\":\"yes\"}");
            assertEquals(400, bad.status(), bad.text());
            assertEquals("preview", bad.json().get("error").get("field").asText(), bad.text());
        }
    }
}
