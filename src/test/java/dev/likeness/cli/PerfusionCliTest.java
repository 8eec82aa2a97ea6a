package dev.likeness.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.likeness.concepts.ConceptManifest;
import dev.likeness.testing.Golden;
import dev.likeness.testing.TestImages;
import dev.likeness.util.Json;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** likeness perfusion covariance, train --method perfusion, generate --concept ... --concept-strength. */
class PerfusionCliTest {
    @TempDir
    Path tmp;

    @Test
    void covarianceTrainAndGenerate() throws Exception {
        System.setProperty("likeness.cacheDir", tmp.resolve("cache").toString());
        String model = Golden.model("sd1").toString();
        Path captions = tmp.resolve("captions.txt");
        Files.writeString(captions, "# our captions\na red car in the rain\n\na cat on a sofa\nan old man reading\n"
                + "two dogs playing in a park\na bowl of soup on a table\n", StandardCharsets.UTF_8);
        CliTest.Result cov = CliTest.run("perfusion", "covariance", "--model", model, "--captions", captions.toString());
        assertEquals(0, cov.code(), cov.err());
        JsonNode info = Json.MAPPER.readTree(cov.out());
        assertEquals(5, info.get("captions").asInt());
        assertTrue(info.get("file").asText().startsWith(tmp.resolve("cache").toString()), "read-only model: user cache");
        assertTrue(Files.isRegularFile(Path.of(info.get("file").asText())));

        Path images = Files.createDirectories(tmp.resolve("images"));
        for (int i = 0; i < 2; i++) {
            ImageIO.write(TestImages.subject(64, i), "png", images.resolve("t" + i + ".png").toFile());
        }
        Path concept = tmp.resolve("concepts/teddy");
        CliTest.Result train = CliTest.run("train", "--method", "perfusion", "--model", model, "--images",
                images.toString(), "--class", "dog", "--steps", "2", "--grad-accum", "1", "--out", concept.toString());
        assertEquals(0, train.code(), train.err());
        ConceptManifest m = ConceptManifest.read(concept);
        assertEquals("perfusion", m.method());
        assertEquals("<teddy>", m.token());
        assertEquals("dog", m.classWord());
        assertEquals(info.get("id").asText(), m.details().get("covariance").asText(), "trained with that covariance");

        Path out = tmp.resolve("teddy.png");
        CliTest.Result gen = CliTest.run("generate", "--model", model, "--prompt", "a photo of <teddy>", "--steps", "3",
                "--seed", "1", "--concept", concept.toString(), "--concept-strength", concept + "=0.65:0.2",
                "--out", out.toString());
        assertEquals(0, gen.code(), gen.err());
        String png = new String(Files.readAllBytes(out), StandardCharsets.ISO_8859_1);
        assertTrue(png.contains("@beta=0.65,tau=0.2"), "the strength is in the image's parameters");

        CliTest.Result unknown = CliTest.run("generate", "--model", model, "--prompt", "x", "--concept",
                concept.toString(), "--concept-strength", "other=0.5", "--out", out.toString());
        assertEquals(2, unknown.code());
        assertTrue(unknown.err().startsWith("likeness: error: --concept-strength names other"), unknown.err());
        assertEquals(1, unknown.err().strip().lines().count(), "one line");

        CliTest.Result noClass = CliTest.run("train", "--method", "perfusion", "--model", model, "--images",
                images.toString(), "--steps", "1", "--out", tmp.resolve("concepts/x").toString());
        assertEquals(2, noClass.code());
        assertTrue(noClass.err().contains("class word"), noClass.err());
    }
}
