package dev.likeness.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.likeness.cli.LocalEngine;
import dev.likeness.cli.Main;
import dev.likeness.server.LikenessServer;
import dev.likeness.server.support.RawHttp;
import dev.likeness.server.support.TestServers;
import dev.likeness.testing.Golden;
import dev.likeness.testing.TestImages;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** DreamBooth-LoRA over HTTP on the real engine: personalize from uploads, then generate with the concept. */
class DreamBoothServerTest {
    @TempDir
    Path dir;

    private static byte[] png(BufferedImage img) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(img, "png", out);
        return out.toByteArray();
    }

    private static int[] pixels(byte[] png) throws Exception {
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(png));
        return img.getRGB(0, 0, img.getWidth(), img.getHeight(), null, 0, img.getWidth());
    }

    private static byte[] generate(RawHttp http, String body) throws Exception {
        RawHttp.Response submit = http.postJson("/api/v1/jobs/generate", body);
        assertEquals(202, submit.status(), submit.text());
        JsonNode job = TestServers.awaitFinished(http, submit.json().get("id").asText(), 120_000);
        assertEquals("SUCCEEDED", job.get("state").asText(), job.toString());
        return http.get(job.get("results").get(0).get("url").asText()).body();
    }

    @Test
    void personalizeWithDreamBoothLoraThenGenerateWithIt() throws Exception {
        Path data = dir.resolve("data");
        try (LikenessServer server = LikenessServer.start(TestServers.config(data).withModel(Golden.model("sd1")),
                new LocalEngine())) {
            RawHttp http = TestServers.client(server);
            String[] ids = new String[2];
            for (int i = 0; i < 2; i++) {
                RawHttp.Response up = http.postPng("/api/v1/uploads", png(TestImages.subject(64, i)));
                assertEquals(201, up.status(), up.text());
                ids[i] = up.json().get("id").asText();
            }
            assertEquals(400, http.postJson("/api/v1/jobs/personalize", "{\"method\":\"dreambooth\",\"name\":\"rex\","
                    + "\"classWord\":\"dog\",\"images\":[\"" + ids[0] + "\"],\"options\":{\"classDir\":\"/tmp\"}}")
                    .status(), "clients cannot choose where the server writes");
            RawHttp.Response submit = http.postJson("/api/v1/jobs/personalize", "{\"method\":\"dreambooth\","
                    + "\"name\":\"rex\",\"token\":\"<rex>\",\"classWord\":\"dog\",\"images\":[\"" + ids[0] + "\",\""
                    + ids[1] + "\"],\"steps\":12,\"options\":{\"loraRank\":4,\"lr\":0.01,\"classImages\":2,"
                    + "\"classSteps\":2}}");
            assertEquals(202, submit.status(), submit.text());
            JsonNode job = TestServers.awaitFinished(http, submit.json().get("id").asText(), 600_000);
            assertEquals("SUCCEEDED", job.get("state").asText(), job.toString());
            JsonNode output = job.get("output");
            assertEquals("rex", output.get("concept").asText());
            assertEquals("<rex>", output.get("token").asText());
            assertEquals("dreambooth", output.get("method").asText());
            assertTrue(Files.isDirectory(data.resolve("class-images")), "class images cached in the data folder");
            JsonNode concept = http.get("/api/v1/concepts/rex").json();
            assertEquals("dreambooth", concept.get("method").asText(), concept.toString());
            assertTrue(concept.get("files").toString().contains("lora.safetensors"), concept.toString());

            String common = "\"seed\":3,\"steps\":3,\"sampler\":\"ddim\",\"width\":64,\"height\":64";
            byte[] with = generate(http, "{\"prompt\":\"a photo of <rex>\",\"concepts\":[\"rex\"]," + common + "}");
            byte[] dogWith = generate(http, "{\"prompt\":\"a photo of a dog\",\"concepts\":[\"rex\"]," + common + "}");
            byte[] dogWithout = generate(http, "{\"prompt\":\"a photo of a dog\"," + common + "}");
            assertFalse(java.util.Arrays.equals(pixels(dogWith), pixels(dogWithout)), "the concept changes the image");
            byte[] named = generate(http, "{\"prompt\":\"a photo of <rex>\"," + common + "}");
            assertTrue(java.util.Arrays.equals(pixels(with), pixels(named)), "its token in the prompt applies it");

            Path cli = dir.resolve("cli.png");
            assertEquals(0, Main.run("generate", "--model", Golden.model("sd1").toString(), "--prompt",
                    "a photo of <rex>", "--concept", data.resolve("concepts/rex").toString(), "--seed", "3",
                    "--steps", "3", "--sampler", "ddim", "--out", cli.toString()));
            assertTrue(java.util.Arrays.equals(pixels(Files.readAllBytes(cli)), pixels(with)),
                    "the CLI with the same concept folder gives the same image");
        }
    }
}
