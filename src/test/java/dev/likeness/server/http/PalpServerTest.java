package dev.likeness.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.likeness.cli.LocalEngine;
import dev.likeness.server.LikenessServer;
import dev.likeness.server.support.RawHttp;
import dev.likeness.server.support.TestServers;
import dev.likeness.testing.Golden;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two-subject (art-inspired) PALP over HTTP on the tiny model, then a generation naming both tokens. */
class PalpServerTest {
    @TempDir
    Path dir;

    @Test
    void twoSubjectsPersonalizeAndGenerate() throws Exception {
        try (LikenessServer server = LikenessServer.start(TestServers.config(dir.resolve("data"))
                .withModel(Golden.model("sd1")), new LocalEngine())) {
            RawHttp http = TestServers.client(server);
            String images = "[\"" + TestServers.uploadSubject(http, 0) + "\",\"" + TestServers.uploadSubject(http, 1) + "\",\"" + TestServers.uploadSubject(http, 5) + "\"]";
            String base = "{\"method\":\"palp\",\"name\":\"pet-art\",\"token\":\"<pet>\",\"classWord\":\"dog\","
                    + "\"images\":" + images + ",\"steps\":2,\"options\":{\"loraRank\":4,\"batch\":1,\"gradAccum\":2,"
                    + "\"targetPrompt\":\"an oil painting of <pet> inspired by <art>\",\"secondToken\":\"<art>\","
                    + "\"secondClass\":\"painting\",\"secondPrompt\":\"an oil painting of {}\",";
            RawHttp.Response tooMany = http.postJson("/api/v1/jobs/personalize", base + "\"secondImages\":3}}");
            assertEquals(400, tooMany.status(), tooMany.text());
            assertTrue(tooMany.text().contains("secondImages"), tooMany.text());
            // checked by the method when the job is submitted (820efc8 queued it and failed it when it ran)
            RawHttp.Response noImages = http.postJson("/api/v1/jobs/personalize", base + "\"secondImages\":0}}");
            assertEquals(400, noImages.status(), noImages.text());
            assertEquals("options.secondImages", noImages.json().path("error").path("field").asText(), noImages.text());
            RawHttp.Response noClass = http.postJson("/api/v1/jobs/personalize", base.replace("\"secondClass\":"
                    + "\"painting\",", "") + "\"secondImages\":1}}");
            assertEquals(400, noClass.status(), noClass.text());
            assertEquals("options.secondToken", noClass.json().path("error").path("field").asText(), noClass.text());

            RawHttp.Response train = http.postJson("/api/v1/jobs/personalize", base + "\"secondImages\":1}}");
            assertEquals(202, train.status(), train.text());
            JsonNode trained = TestServers.awaitFinished(http, train.json().get("id").asText(), 300_000);
            assertEquals("SUCCEEDED", trained.get("state").asText(), trained.toString());
            assertEquals("<pet>", trained.get("output").get("token").asText());
            JsonNode concept = http.get("/api/v1/concepts/pet-art").json();
            assertEquals("an oil painting of <pet> inspired by <art>", concept.get("targetPrompt").asText(),
                    concept.toString());

            RawHttp.Response gen = http.postJson("/api/v1/jobs/generate", "{\"prompt\":\"an oil painting of <pet> "
                    + "inspired by <art>\",\"concepts\":[\"pet-art\"],\"steps\":2,\"width\":64,\"height\":64,"
                    + "\"seed\":1}");
            assertEquals(202, gen.status(), gen.text());
            JsonNode job = TestServers.awaitFinished(http, gen.json().get("id").asText(), 120_000);
            assertEquals("SUCCEEDED", job.get("state").asText(), job.toString());
        }
    }
}
