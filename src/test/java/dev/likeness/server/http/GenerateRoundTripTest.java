package dev.likeness.server.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.likeness.server.LikenessServer;
import dev.likeness.server.support.FakeGenerator;
import dev.likeness.server.support.Pngs;
import dev.likeness.server.support.RawHttp;
import dev.likeness.server.support.SseClient;
import dev.likeness.server.support.TestServers;
import dev.likeness.util.Json;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.ZipInputStream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Round trips over real HTTP: generate → progress events → PNG result; img2img; cancel; OOM; models; concepts. */
class GenerateRoundTripTest {
    @TempDir
    static Path dir;
    static LikenessServer server;
    static RawHttp http;

    @BeforeAll
    static void start() throws Exception {
        Path models = dir.resolve("models");
        Files.createDirectories(models.resolve("tiny-diffusers"));
        Files.writeString(models.resolve("tiny-diffusers/model_index.json"), "{}");
        Files.write(models.resolve("tiny.safetensors"), new byte[16]);
        Files.write(models.resolve("evil.ckpt"), new byte[16]);
        server = TestServers.start(TestServers.config(dir).withModelsDir(models), 5);
        http = TestServers.client(server);
        Path concept = dir.resolve("concepts/my-cat");
        Files.createDirectories(concept);
        Files.writeString(concept.resolve("concept.json"), Json.write(java.util.Map.of("name", "my-cat", "method",
                "textual-inversion", "token", "<my-cat>", "classWord", "cat", "modelFamily", "sd1", "created",
                "2026-11-23T00:00:00Z")));
        Files.write(concept.resolve("embedding.safetensors"), new byte[8]);
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    @Test
    void txt2imgStreamsProgressAndReturnsPngWithMetadata() throws Exception {
        RawHttp.Response submit = http.postJson("/api/v1/jobs/generate", "{\"prompt\":\"a photo of <my-cat>\","
                + "\"seed\":42,\"steps\":20,\"width\":64,\"height\":48,\"count\":2,\"concepts\":[\"my-cat\"]}");
        assertEquals(202, submit.status(), submit.text());
        String id = submit.json().get("id").asText();
        assertTrue(submit.headers().get("location").endsWith(id));

        List<SseClient.Event> events = SseClient.readAll(server.port(), server.token(),
                "/api/v1/jobs/" + id + "/events", 20_000);
        SseClient.Event last = events.get(events.size() - 1);
        assertEquals("done", last.name());
        assertEquals("SUCCEEDED", Json.MAPPER.readTree(last.data()).get("state").asText());
        assertTrue(events.stream().anyMatch(e -> e.name().equals("progress")
                && e.data().contains("\"message\":\"denoising\"")), events.toString());
        int lastStep = -1;
        for (SseClient.Event e : events) {
            int step = Json.MAPPER.readTree(e.data()).path("progress").path("step").asInt();
            if (e.name().equals("progress") && step > 0) {
                assertTrue(step >= lastStep, "progress never goes back");
                lastStep = step;
            }
        }

        JsonNode job = http.get("/api/v1/jobs/" + id).json();
        assertEquals(2, job.get("results").size());
        JsonNode meta = job.get("results").get(1).get("metadata");
        assertEquals("a photo of <my-cat>", meta.get("prompt").asText());
        assertEquals(43, meta.get("seed").asLong());
        assertEquals(20, meta.get("steps").asInt());
        assertEquals("ddim", meta.get("sampler").asText());
        assertEquals("my-cat", meta.get("concepts").get(0).asText());
        assertEquals("txt2img", meta.get("mode").asText());

        RawHttp.Response png = http.get(job.get("results").get(1).get("url").asText());
        assertEquals(200, png.status());
        assertEquals("image/png", png.headers().get("content-type"));
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(png.body()));
        assertEquals(64, img.getWidth());
        assertEquals(48, img.getHeight());
        assertEquals(FakeGenerator.paint(64, 48, 43).getRGB(10, 7), img.getRGB(10, 7));
        RawHttp.Response missing = http.get("/api/v1/jobs/" + id + "/results/2");
        assertEquals(404, missing.status());
        // a GET's own 404 keeps its message (it was replaced by "no such route", the request having no content type)
        assertTrue(missing.text().contains("result 2") || !missing.text().contains("no such route"), missing.text());
        RawHttp.Response unknownJob = http.get("/api/v1/jobs/j999999-00000000");
        assertEquals("NOT_FOUND", unknownJob.errorCode());
        assertTrue(unknownJob.text().contains("job 'j999999-00000000' not found"), unknownJob.text());
        assertEquals(400, http.get("/api/v1/jobs/" + id + "/results/x").status());
    }

    @Test
    void aConceptsTokenInThePromptAppliesItWithoutListingIt() throws Exception {
        // before, the server applied only listed concepts: a process that had trained <my-cat> knew the token but had
        // no rows for it ("token id beyond the vocabulary"), another read it as plain text
        RawHttp.Response submit = http.postJson("/api/v1/jobs/generate", "{\"prompt\":\"<my-cat> on a sofa\","
                + "\"seed\":4,\"steps\":2,\"width\":8,\"height\":8}");
        assertEquals(202, submit.status(), submit.text());
        JsonNode done = TestServers.awaitFinished(http, submit.json().get("id").asText(), 20_000);
        assertEquals("SUCCEEDED", done.get("state").asText(), done.toString());
        assertEquals("[\"my-cat\"]", done.get("results").get(0).get("metadata").get("concepts").toString());
        JsonNode plain = TestServers.awaitFinished(http, http.postJson("/api/v1/jobs/generate", "{\"prompt\":\"a cat\","
                + "\"steps\":1,\"width\":8,\"height\":8}").json().get("id").asText(), 20_000);
        assertEquals("[]", plain.get("results").get(0).get("metadata").get("concepts").toString());
    }

    @Test
    void eventsOfAFinishedJobEndAtOnce() throws Exception {
        String id = http.postJson("/api/v1/jobs/generate", "{\"prompt\":\"quick\",\"steps\":1,\"width\":8,"
                + "\"height\":8}").json().get("id").asText();
        TestServers.awaitFinished(http, id, 10_000);
        List<SseClient.Event> events = SseClient.readAll(server.port(), server.token(),
                "/api/v1/jobs/" + id + "/events", 5_000);
        assertEquals(1, events.size());
        assertEquals("done", events.get(0).name());
    }

    @Test
    void img2imgUsesTheUploadedImage() throws Exception {
        String upload = http.postPng("/api/v1/uploads", Pngs.valid(64, 64)).json().get("id").asText();
        RawHttp.Response submit = http.postJson("/api/v1/jobs/generate", "{\"prompt\":\"variation\",\"seed\":5,"
                + "\"steps\":4,\"width\":64,\"height\":64,\"strength\":0.5,\"images\":[\"" + upload + "\"]}");
        assertEquals(202, submit.status(), submit.text());
        JsonNode job = TestServers.awaitFinished(http, submit.json().get("id").asText(), 10_000);
        assertEquals("SUCCEEDED", job.get("state").asText(), job.toString());
        JsonNode meta = job.get("results").get(0).get("metadata");
        assertEquals("img2img", meta.get("mode").asText());
        assertEquals(0.5, meta.get("strength").asDouble(), 1e-6);
        assertTrue(Files.isRegularFile(dir.resolve("jobs").resolve(job.get("id").asText()).resolve(
                "inputs/input-0.png")));
    }

    @Test
    void seedIsFixedAtSubmitWhenOmitted() throws Exception {
        JsonNode job = http.postJson("/api/v1/jobs/generate", "{\"prompt\":\"random seed\",\"steps\":1,\"width\":8,"
                + "\"height\":8}").json();
        JsonNode done = TestServers.awaitFinished(http, job.get("id").asText(), 10_000);
        JsonNode spec = Json.readTree(dir.resolve("jobs").resolve(job.get("id").asText()).resolve("spec.json"));
        assertEquals(spec.get("spec").get("seed").asLong(), done.get("results").get(0).get("metadata").get("seed")
                .asLong());
    }

    @Test
    void cancelStopsARunningJob() throws Exception {
        String id = http.postJson("/api/v1/jobs/generate", "{\"prompt\":\"long\",\"steps\":200,\"width\":8,"
                + "\"height\":8}").json().get("id").asText();
        long deadline = System.currentTimeMillis() + 10_000;
        while (!http.get("/api/v1/jobs/" + id).json().get("state").asText().equals("RUNNING")
                && System.currentTimeMillis() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(200, http.postJson("/api/v1/jobs/" + id + "/cancel", "{}").status());
        JsonNode job = TestServers.awaitFinished(http, id, 10_000);
        assertEquals("CANCELLED", job.get("state").asText());
        assertEquals(0, job.get("results").size());
    }

    @Test
    void gpuOutOfMemoryFailsOnlyThatJob() throws Exception {
        String id = http.postJson("/api/v1/jobs/generate", "{\"prompt\":\"oom please\",\"steps\":2,\"width\":8,"
                + "\"height\":8}").json().get("id").asText();
        JsonNode job = TestServers.awaitFinished(http, id, 10_000);
        assertEquals("FAILED", job.get("state").asText());
        assertEquals("GPU_OUT_OF_MEMORY", job.get("error").get("code").asText());
        assertTrue(job.get("error").get("message").asText().contains("smaller"));
        assertEquals(200, http.get("/api/v1/health").status());
        String next = http.postJson("/api/v1/jobs/generate", "{\"prompt\":\"fine\",\"steps\":2,\"width\":8,"
                + "\"height\":8}").json().get("id").asText();
        assertEquals("SUCCEEDED", TestServers.awaitFinished(http, next, 10_000).get("state").asText());
    }

    @Test
    void kindWithoutRunnerIs503AtSubmit() throws Exception {
        RawHttp.Response r = http.postJson("/api/v1/jobs/retouch", "{\"prompt\":\"x\"}");
        assertEquals(503, r.status());
        assertEquals("NO_RUNNER", r.errorCode());
        assertTrue(r.json().path("error").path("message").asText().contains("retouch"));
        assertFalse(http.get("/api/v1/version").json().get("jobKinds").toString().contains("retouch"));
    }

    @Test
    void modelsListLoadAndInfo() throws Exception {
        JsonNode list = http.get("/api/v1/models").json();
        assertEquals("demo", list.get("selected").asText());
        List<String> names = new java.util.ArrayList<>();
        list.get("models").forEach(m -> names.add(m.get("name").asText()));
        assertEquals(List.of("tiny-diffusers", "tiny.safetensors"), names); // no pickle .ckpt
        RawHttp.Response load = http.postJson("/api/v1/models/load", "{\"model\":\"tiny.safetensors\"}");
        assertEquals(202, load.status(), load.text());
        JsonNode job = TestServers.awaitFinished(http, load.json().get("id").asText(), 10_000);
        assertEquals("SUCCEEDED", job.get("state").asText(), job.toString());
        assertEquals("tiny.safetensors", job.get("output").get("model").get("name").asText());
        JsonNode active = http.get("/api/v1/models/active").json();
        assertEquals("tiny.safetensors", active.get("selected").asText());
        assertTrue(active.get("loaded").asBoolean());
        assertEquals(404, http.postJson("/api/v1/models/load", "{\"model\":\"evil.ckpt\"}").status());
        assertEquals(400, http.postJson("/api/v1/models/load", "{\"model\":\"../models/tiny.safetensors\"}").status());
        RawHttp.Response back = http.postJson("/api/v1/models/load", "{\"model\":\"demo\"}");
        TestServers.awaitFinished(http, back.json().get("id").asText(), 10_000);
        assertEquals("demo", http.get("/api/v1/models/active").json().get("selected").asText());
    }

    @Test
    void conceptLibraryRoundTrip() throws Exception {
        Path dirB = dir.resolve("concepts/dog-b");
        Files.createDirectories(dirB);
        Files.writeString(dirB.resolve("concept.json"), "{\"name\":\"dog-b\",\"method\":\"dreambooth\"}");
        JsonNode list = http.get("/api/v1/concepts").json();
        assertTrue(list.get("concepts").toString().contains("my-cat"));
        JsonNode cat = http.get("/api/v1/concepts/my-cat").json();
        assertEquals("<my-cat>", cat.get("token").asText());
        assertEquals("embedding.safetensors", cat.get("files").get(0).asText());

        RawHttp.Response zip = http.get("/api/v1/concepts/my-cat/export");
        assertEquals(200, zip.status());
        assertEquals("application/zip", zip.headers().get("content-type"));
        List<String> entries = new java.util.ArrayList<>();
        try (ZipInputStream z = new ZipInputStream(new ByteArrayInputStream(zip.body()))) {
            for (var e = z.getNextEntry(); e != null; e = z.getNextEntry()) {
                entries.add(e.getName());
            }
        }
        assertEquals(List.of("my-cat/concept.json", "my-cat/embedding.safetensors"), entries);

        RawHttp.Response renamed = http.postJson("/api/v1/concepts/dog-b/rename", "{\"newName\":\"dog-c\"}");
        assertEquals(200, renamed.status(), renamed.text());
        assertEquals("dog-c", renamed.json().get("name").asText());
        assertEquals("dog-c", Json.readTree(dir.resolve("concepts/dog-c/concept.json")).get("name").asText());
        assertEquals(409, http.postJson("/api/v1/concepts/dog-c/rename", "{\"newName\":\"my-cat\"}").status());
        assertEquals(204, http.delete("/api/v1/concepts/dog-c").status());
        assertEquals(404, http.get("/api/v1/concepts/dog-c").status());
        assertFalse(Files.exists(dir.resolve("concepts/dog-c")));
    }

    @Test
    void uploadedImageBytesSurviveUnchanged() throws Exception {
        byte[] png = Pngs.valid(16, 16);
        String id = http.postPng("/api/v1/uploads", png).json().get("id").asText();
        assertArrayEquals(png, Files.readAllBytes(dir.resolve("uploads").resolve(id + ".png")));
    }
}
