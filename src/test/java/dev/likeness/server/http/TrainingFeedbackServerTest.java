package dev.likeness.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.likeness.cli.LocalEngine;
import dev.likeness.server.LikenessServer;
import dev.likeness.server.support.RawHttp;
import dev.likeness.server.support.SseClient;
import dev.likeness.server.support.TestServers;
import dev.likeness.testing.Golden;
import dev.likeness.util.Json;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A personalize job's loss, moving average and learning rate on its progress stream, in its job and its concept. */
class TrainingFeedbackServerTest {
    @TempDir
    Path dir;

    @Test
    void lossAndLearningRateStreamAndStayWithTheConcept() throws Exception {
        try (LikenessServer server = LikenessServer.start(TestServers.config(dir.resolve("data"))
                .withModel(Golden.model("sd1")), new LocalEngine())) {
            RawHttp http = TestServers.client(server);
            String image = TestServers.uploadSubject(http, 0);
            RawHttp.Response submit = http.postJson("/api/v1/jobs/personalize", "{\"method\":\"textual-inversion\","
                    + "\"name\":\"fb-dog\",\"token\":\"<fb-dog>\",\"classWord\":\"dog\",\"images\":[\"" + image
                    + "\"],\"steps\":5,\"sampleSteps\":2,\"options\":{\"gradAccum\":1}}");
            assertEquals(202, submit.status(), submit.text());
            String id = submit.json().get("id").asText();
            List<SseClient.Event> events = SseClient.readAll(server.port(), server.token(),
                    "/api/v1/jobs/" + id + "/events", 120_000);
            assertEquals("SUCCEEDED", Json.MAPPER.readTree(events.get(events.size() - 1).data()).get("state")
                    .asText(), events.toString());
            assertTrue(events.stream().anyMatch(e -> e.name().equals("progress") && e.data().contains("\"loss\":")
                    && e.data().contains("\"lossAverage\":") && e.data().contains("\"lr\":")), events.toString());

            List<Integer> previewSteps = new java.util.ArrayList<>();
            for (SseClient.Event e : events) {
                if (e.name().equals("preview")) {
                    previewSteps.add(Json.MAPPER.readTree(e.data()).get("step").asInt());
                }
            }
            // the stream sends the latest preview when it wakes: one made just before the next may be passed over
            assertTrue(previewSteps.contains(5) && List.of(2, 4, 5).containsAll(previewSteps), "the samples of a "
                    + "5-step run arrive as previews (4 asked for: steps 2, 4 and the last): " + previewSteps);
            JsonNode samples = http.get("/api/v1/concepts/fb-dog/samples").json().get("samples");
            assertEquals(3, samples.size(), samples.toString());
            assertEquals(5, samples.get(2).get("step").asInt());
            RawHttp.Response last = http.get(samples.get(2).get("url").asText());
            assertEquals(200, last.status());
            assertEquals(64, javax.imageio.ImageIO.read(new java.io.ByteArrayInputStream(last.body())).getWidth());
            RawHttp.Response thumb = http.get("/api/v1/concepts/fb-dog/thumbnail");
            assertTrue(java.util.Arrays.equals(last.body(), thumb.body()), "the thumbnail is the last sample");
            assertEquals(404, http.get("/api/v1/concepts/fb-dog/samples/3").status());
            RawHttp.Response bad = http.postJson("/api/v1/jobs/personalize", "{\"method\":\"textual-inversion\","
                    + "\"name\":\"fb-2\",\"classWord\":\"dog\",\"images\":[\"" + image + "\"],\"samples\":51}");
            assertEquals("samples", bad.json().path("error").path("field").asText(), bad.text());

            JsonNode steps = http.get("/api/v1/jobs/" + id + "/training").json().get("steps");
            assertEquals(5, steps.size(), steps.toString());
            for (int i = 0; i < 5; i++) {
                assertEquals(i + 1, steps.get(i).get("step").asInt());
                assertTrue(steps.get(i).get("loss").asDouble() > 0);
            }
            assertEquals(steps, http.get("/api/v1/concepts/fb-dog/training").json().get("steps"),
                    "the concept keeps its curve");
            JsonNode finished = http.get("/api/v1/jobs/" + id).json().get("progress");
            assertEquals(steps.get(4).get("loss").asDouble(), finished.get("loss").asDouble(), 1e-9);

            RawHttp.Response gen = http.postJson("/api/v1/jobs/generate", "{\"prompt\":\"a <fb-dog>\",\"steps\":1,"
                    + "\"width\":64,\"height\":64,\"concepts\":[\"fb-dog\"]}");
            String genId = gen.json().get("id").asText();
            TestServers.awaitFinished(http, genId, 60_000);
            assertEquals("NO_HISTORY", http.get("/api/v1/jobs/" + genId + "/training").errorCode());
            assertEquals(404, http.get("/api/v1/concepts/nobody/training").status());
        }
    }
}
