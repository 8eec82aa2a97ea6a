package dev.likeness.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.likeness.cli.LocalEngine;
import dev.likeness.server.LikenessServer;
import dev.likeness.server.support.RawHttp;
import dev.likeness.server.support.TestServers;
import dev.likeness.testing.Golden;
import dev.likeness.testing.TestImages;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real server on the tiny model, as the editor plug-ins use it: personalize a concept (its reference images are
 * kept with it), retouch a layer in place with a selection mask, and generate with mode layout-retouch.
 */
class RetouchServerTest {
    @TempDir
    Path dir;

    @Test
    void retouchAndLayoutRetouchOverHttp() throws Exception {
        try (LikenessServer server = LikenessServer.start(TestServers.config(dir.resolve("data"))
                .withModel(Golden.model("sd1")), new LocalEngine())) {
            RawHttp http = TestServers.client(server);
            String a = upload(http, TestImages.subject(64, 0));
            String b = upload(http, TestImages.subject(64, 1));
            JsonNode trained = run(http, "personalize", "{\"method\":\"textual-inversion\",\"name\":\"my-dog\","
                    + "\"token\":\"<my-dog>\",\"classWord\":\"dog\",\"images\":[\"" + a + "\",\"" + b + "\"],"
                    + "\"steps\":2}");
            assertEquals("my-dog", trained.get("output").get("concept").asText());
            JsonNode concept = http.get("/api/v1/concepts/my-dog").json();
            assertTrue(concept.get("files").toString().contains("references/00.png"), concept.toString());

            // what likeness_jobs.retouch sends: the layer region, the selection as an opaque grey mask
            BufferedImage layout = scene(44, 28);
            BufferedImage mask = new BufferedImage(44, 28, BufferedImage.TYPE_INT_ARGB);
            Graphics2D g = mask.createGraphics();
            g.setColor(Color.BLACK);
            g.fillRect(0, 0, 44, 28);
            g.setColor(Color.WHITE);
            g.fillRect(12, 6, 20, 16);
            g.dispose();
            JsonNode job = run(http, "retouch", "{\"images\":[\"" + upload(http, layout) + "\",\"" + upload(http, mask)
                    + "\"],\"concept\":\"my-dog\",\"prompt\":\"a photo of <my-dog>\",\"strength\":0.6,\"seed\":11,"
                    + "\"steps\":8}");
            JsonNode meta = job.get("results").get(0).get("metadata");
            assertEquals("retouch", meta.get("mode").asText());
            assertEquals("my-dog", meta.get("concept").asText());
            assertEquals("2", meta.get("references").asText());
            BufferedImage out = result(http, job);
            assertEquals(44, out.getWidth());
            assertEquals(28, out.getHeight());
            int changed = 0;
            for (int y = 0; y < 28; y++) {
                for (int x = 0; x < 44; x++) {
                    boolean inside = x >= 12 && x < 32 && y >= 6 && y < 22;
                    if (!inside) {
                        assertEquals(layout.getRGB(x, y), out.getRGB(x, y), "background pixel " + x + "," + y);
                    } else if (layout.getRGB(x, y) != out.getRGB(x, y)) {
                        changed++;
                    }
                }
            }
            assertTrue(changed > 100, "the selection is retouched (" + changed + " pixels changed)");

            JsonNode lr = run(http, "generate", "{\"mode\":\"layout-retouch\",\"prompt\":\"a photo of <my-dog> in a "
                    + "garden\",\"concepts\":[\"my-dog\"],\"layoutSteps\":2,\"steps\":6,\"width\":64,\"height\":64,"
                    + "\"seed\":5,\"count\":2}");
            assertEquals(2, lr.get("results").size());
            JsonNode lrMeta = lr.get("results").get(1).get("metadata");
            assertEquals("layout-retouch", lrMeta.get("mode").asText());
            assertEquals(6, lrMeta.get("seed").asInt());
            assertEquals("a photo of dog in a garden", lrMeta.get("layoutPrompt").asText());
            assertEquals(64, result(http, lr).getWidth());

            run(http, "personalize", "{\"method\":\"textual-inversion\",\"name\":\"my-cat\",\"token\":\"<my-cat>\","
                    + "\"classWord\":\"cat\",\"images\":[\"" + b + "\"],\"steps\":2}");
            JsonNode pair = run(http, "generate", "{\"mode\":\"layout-retouch\",\"prompt\":\"a photo of <my-dog> "
                    + "and <my-cat> in a garden\",\"concepts\":[\"my-dog\",\"my-cat\"],\"layoutSteps\":2,\"steps\":6,"
                    + "\"width\":64,\"height\":64,\"seed\":5}");
            JsonNode pairMeta = pair.get("results").get(0).get("metadata");
            assertEquals("[\"<my-dog>\",\"<my-cat>\"]", pairMeta.get("token").toString(), pairMeta.toString());
            assertEquals("[\"2\",\"1\"]", pairMeta.get("references").toString());
            assertEquals("[\"my-dog\",\"my-cat\"]", pairMeta.get("concepts").toString());
            RawHttp.Response withClass = http.postJson("/api/v1/jobs/generate", "{\"mode\":\"layout-retouch\","
                    + "\"prompt\":\"a <my-dog> and <my-cat>\",\"concepts\":[\"my-dog\",\"my-cat\"],\"classWord\":"
                    + "\"pet\"}");
            assertEquals("classWord", withClass.json().path("error").path("field").asText(), withClass.text());
            RawHttp.Response twice = http.postJson("/api/v1/jobs/generate", "{\"mode\":\"layout-retouch\","
                    + "\"prompt\":\"a <my-dog>\",\"concepts\":[\"my-dog\",\"my-dog\"]}");
            assertEquals("concepts[1]", twice.json().path("error").path("field").asText(), twice.text());
            RawHttp.Response unnamed = http.postJson("/api/v1/jobs/generate", "{\"mode\":\"layout-retouch\","
                    + "\"prompt\":\"a <my-dog>\",\"concepts\":[\"my-dog\",\"my-cat\"]}");
            assertEquals(400, unnamed.status(), unnamed.text());
            assertEquals("prompt", unnamed.json().path("error").path("field").asText(), unnamed.text());

            assertEquals(400, http.postJson("/api/v1/jobs/retouch", "{\"images\":[\"" + a + "\"],\"concept\":"
                    + "\"my-dog\",\"prompt\":\"a photo of a dog\"}").status());
            assertEquals("UNKNOWN_CONCEPT", http.postJson("/api/v1/jobs/retouch", "{\"images\":[\"" + a + "\"],"
                    + "\"concept\":\"nobody\",\"prompt\":\"a <nobody>\"}").errorCode());
            assertEquals(400, http.postJson("/api/v1/jobs/retouch", "{\"concept\":\"my-dog\",\"prompt\":\"<my-dog>\"}")
                    .status());
            assertEquals(400, http.postJson("/api/v1/jobs/generate", "{\"mode\":\"layout-retouch\",\"prompt\":"
                    + "\"a <my-dog>\",\"concepts\":[\"my-dog\"],\"sampler\":\"euler\"}").status());
            assertEquals(400, http.postJson("/api/v1/jobs/generate", "{\"mode\":\"collage\",\"prompt\":\"x\"}")
                    .status());
        }
    }

    private static JsonNode run(RawHttp http, String kind, String spec) throws Exception {
        RawHttp.Response submit = http.postJson("/api/v1/jobs/" + kind, spec);
        assertEquals(202, submit.status(), submit.text());
        JsonNode job = TestServers.awaitFinished(http, submit.json().get("id").asText(), 600_000);
        assertEquals("SUCCEEDED", job.get("state").asText(), job.toString());
        return job;
    }

    private static String upload(RawHttp http, BufferedImage img) throws Exception {
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        ImageIO.write(img, "png", png);
        RawHttp.Response r = http.postPng("/api/v1/uploads", png.toByteArray());
        assertEquals(201, r.status(), r.text());
        return r.json().get("id").asText();
    }

    private static BufferedImage result(RawHttp http, JsonNode job) throws Exception {
        RawHttp.Response png = http.get(job.get("results").get(0).get("url").asText());
        return ImageIO.read(new ByteArrayInputStream(png.body()));
    }

    private static BufferedImage scene(int w, int h) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(new Color(120, 170, 230));
        g.fillRect(0, 0, w, h / 2);
        g.setColor(new Color(90, 140, 60));
        g.fillRect(0, h / 2, w, h - h / 2);
        g.dispose();
        return img;
    }
}
