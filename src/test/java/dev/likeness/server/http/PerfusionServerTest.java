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

/** Perfusion over HTTP on the tiny model: personalize with the method and class word, generate with a strength. */
class PerfusionServerTest {
    @TempDir
    Path dir;

    @Test
    void personalizeAndGenerateWithAStrength() throws Exception {
        dev.likeness.methods.perfusion.SharedCache.use();
        try (LikenessServer server = LikenessServer.start(TestServers.config(dir.resolve("data"))
                .withModel(Golden.model("sd1")), new LocalEngine())) {
            RawHttp http = TestServers.client(server);
            String images = "[\"" + TestServers.uploadSubject(http, 0) + "\",\"" + TestServers.uploadSubject(http, 1) + "\"]";
            RawHttp.Response noClass = http.postJson("/api/v1/jobs/personalize", "{\"method\":\"perfusion\","
                    + "\"name\":\"teddy\",\"images\":" + images + "}");
            assertEquals(400, noClass.status(), noClass.text());
            assertTrue(noClass.text().contains("classWord"), noClass.text());

            RawHttp.Response paths = http.postJson("/api/v1/jobs/personalize", "{\"method\":\"perfusion\","
                    + "\"name\":\"teddy\",\"classWord\":\"dog\",\"images\":" + images
                    + ",\"options\":{\"masks\":\"/etc/passwd\"}}");
            assertEquals(400, paths.status(), "no server file paths as masks");

            RawHttp.Response train = http.postJson("/api/v1/jobs/personalize", "{\"method\":\"perfusion\","
                    + "\"name\":\"teddy\",\"classWord\":\"dog\",\"images\":" + images + ",\"steps\":3,"
                    + "\"options\":{\"gradAccum\":1}}");
            assertEquals(202, train.status(), train.text());
            JsonNode trained = TestServers.awaitFinished(http, train.json().get("id").asText(), 300_000);
            assertEquals("SUCCEEDED", trained.get("state").asText(), trained.toString());
            assertEquals("perfusion", trained.get("output").get("method").asText());
            assertEquals("<teddy>", trained.get("output").get("token").asText());

            RawHttp.Response bad = http.postJson("/api/v1/jobs/generate", "{\"prompt\":\"a photo of <teddy>\","
                    + "\"concepts\":[\"teddy\"],\"conceptStrengths\":{\"other\":0.6}}");
            assertEquals(400, bad.status(), bad.text());
            RawHttp.Response gen = http.postJson("/api/v1/jobs/generate", "{\"prompt\":\"a photo of <teddy>\","
                    + "\"concepts\":[\"teddy\"],\"conceptStrengths\":{\"teddy\":0.6},\"globalLocking\":true,"
                    + "\"steps\":3,\"width\":64,\"height\":64,\"seed\":1}");
            assertEquals(202, gen.status(), gen.text());
            JsonNode job = TestServers.awaitFinished(http, gen.json().get("id").asText(), 120_000);
            assertEquals("SUCCEEDED", job.get("state").asText(), job.toString());
            assertEquals("teddy@beta=0.6,lock=global",
                    job.get("results").get(0).get("metadata").get("concepts").get(0).asText());
        }
    }
}
