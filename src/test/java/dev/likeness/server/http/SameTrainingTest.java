package dev.likeness.server.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.likeness.cli.LocalEngine;
import dev.likeness.cli.Main;
import dev.likeness.server.LikenessServer;
import dev.likeness.server.support.RawHttp;
import dev.likeness.server.support.TestServers;
import dev.likeness.testing.Golden;
import dev.likeness.testing.TestImages;
import dev.likeness.util.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Same request, same training: a Textual Inversion concept trained through the CLI and through the HTTP API, with
 * every loop setting left to the method's defaults (batch 1 × accumulation 4, the scaled lr), gives bit-identical
 * embeddings and the same manifest. On 927afa0 the CLI accumulated 4 batches and the server 1.
 */
class SameTrainingTest {
    @TempDir
    Path dir;

    @Test
    void cliAndHttpTrainTheSameConcept() throws Exception {
        Path images = Files.createDirectories(dir.resolve("images"));
        for (int i = 0; i < 2; i++) {
            ImageIO.write(TestImages.subject(64, i), "png", images.resolve("ref" + i + ".png").toFile());
        }
        Path cli = dir.resolve("cli/toy");
        assertEquals(0, Main.run("train", "--method", "ti", "--model", Golden.model("sd1").toString(), "--images",
                images.toString(), "--class", "dog", "--steps", "2", "--seed", "3", "--option", "vectors=2",
                "--out", cli.toString()));

        Path server;
        try (LikenessServer s = LikenessServer.start(TestServers.config(dir.resolve("data"))
                .withModel(Golden.model("sd1")), new LocalEngine())) {
            RawHttp http = TestServers.client(s);
            String ids = "[\"" + TestServers.uploadSubject(http, 0) + "\",\"" + TestServers.uploadSubject(http, 1)
                    + "\"]";
            RawHttp.Response submit = http.postJson("/api/v1/jobs/personalize", "{\"method\":\"textual-inversion\","
                    + "\"name\":\"toy\",\"classWord\":\"dog\",\"steps\":2,\"seed\":3,\"images\":" + ids
                    + ",\"options\":{\"vectors\":2}}");
            assertEquals(202, submit.status(), submit.text());
            RawHttp.Response typo = http.postJson("/api/v1/jobs/personalize", "{\"method\":\"ti\",\"name\":\"t2\","
                    + "\"classWord\":\"dog\",\"images\":" + ids + ",\"options\":{\"vector\":2}}");
            assertEquals(400, typo.status(), typo.text());
            assertEquals("options.vector", typo.json().path("error").path("field").asText(), typo.text());
            assertTrue(typo.text().contains("known: initWord, vectors"), typo.text());
            JsonNode methods = http.get("/api/v1/methods").json();
            assertEquals("textual-inversion", methods.get("methods").get(0).get("id").asText(), methods.toString());
            assertEquals(4, methods.get("methods").get(0).get("loop").get("gradAccum").asInt());
            JsonNode job = TestServers.awaitFinished(http, submit.json().get("id").asText(), 300_000);
            assertEquals("SUCCEEDED", job.get("state").asText(), job.toString());
            server = dir.resolve("data/concepts/toy");
        }
        byte[] a = Files.readAllBytes(cli.resolve("embeddings.safetensors"));
        byte[] b = Files.readAllBytes(server.resolve("embeddings.safetensors"));
        System.out.printf("TI through the CLI and the HTTP API (2 steps of batch 1 x accumulation 4): "
                + "embeddings.safetensors %d and %d bytes, identical: %s%n", a.length, b.length,
                java.util.Arrays.equals(a, b));
        assertArrayEquals(a, b, "the same request trains the same embedding");
        ObjectNode ma = (ObjectNode) Json.readTree(cli.resolve("concept.json"));
        ObjectNode mb = (ObjectNode) Json.readTree(server.resolve("concept.json"));
        ma.remove("created");
        mb.remove("created");
        assertEquals(ma, mb);
        assertTrue(ma.toString().contains("\"vectors\":2"), ma.toString());
    }
}
