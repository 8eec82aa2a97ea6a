package dev.likeness.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.likeness.cli.LocalEngine;
import dev.likeness.server.LikenessServer;
import dev.likeness.server.support.RawHttp;
import dev.likeness.server.support.TestServers;
import dev.likeness.testing.Golden;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Defaults follow the model over HTTP as in the CLI: a request without a size gets the model's native size. */
class ModelDefaultsServerTest {
    @TempDir
    Path dir;

    @Test
    void generateWithoutASizeUsesTheModelsNativeSize() throws Exception {
        try (LikenessServer server = LikenessServer.start(TestServers.config(dir.resolve("data2"))
                .withModel(Golden.model("sd1")), new LocalEngine())) {
            RawHttp http = TestServers.client(server);
            RawHttp.Response submit = http.postJson("/api/v1/jobs/generate",
                    "{\"prompt\":\"a cat\",\"seed\":1,\"steps\":1}");
            JsonNode job = TestServers.awaitFinished(http, submit.json().get("id").asText(), 120_000);
            BufferedImage img = ImageIO.read(new ByteArrayInputStream(
                    http.get(job.get("results").get(0).get("url").asText()).body()));
            assertEquals(64, img.getWidth(), "the tiny folder's own sample_size 16 x 4, not 512");
            assertEquals(64, img.getHeight());
            assertEquals(64, http.get("/api/v1/models/active").json().get("info").get("nativeSize").asInt());
        }
    }
}
