package dev.likeness.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.likeness.testing.Golden;
import dev.likeness.testing.TestImages;
import dev.likeness.util.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** train / concepts / generate / bench with DreamBooth, as a user runs them. */
class DreamBoothCliTest {
    @TempDir
    Path tmp;
    private Path images;

    @BeforeEach
    void writeImages() throws Exception {
        images = Files.createDirectories(tmp.resolve("refs"));
        for (int i = 0; i < 2; i++) {
            ImageIO.write(TestImages.subject(64, i), "png", images.resolve("ref-" + i + ".png").toFile());
        }
    }

    private CliTest.Result train(String out, String... extra) {
        String[] base = {"train", "--method", "dreambooth", "--model", Golden.model("sd1").toString(), "--images",
                images.toString(), "--out", tmp.resolve(out).toString(), "--class", "dog", "--steps", "3",
                "--class-images", "2", "--class-steps", "2", "--class-dir", tmp.resolve("class").toString()};
        String[] args = java.util.Arrays.copyOf(base, base.length + extra.length);
        System.arraycopy(extra, 0, args, base.length, extra.length);
        return CliTest.run(args);
    }

    private CliTest.Result generate(Path out, String prompt, String... extra) {
        String[] base = {"generate", "--prompt", prompt, "--seed", "1", "--steps", "2", "--out", out.toString()};
        String[] args = java.util.Arrays.copyOf(base, base.length + extra.length);
        System.arraycopy(extra, 0, args, base.length, extra.length);
        return CliTest.run(args);
    }

    @Test
    void loraConceptTrainsExportsAndGenerates() throws Exception {
        CliTest.Result t = train("concepts/rex", "--lora-rank", "4", "--lr", "1e-2", "--token", "sks");
        assertEquals(0, t.code(), t.err());
        assertTrue(t.out().contains("(token <rex> = \"sks dog\")"), t.out());
        assertTrue(t.err().contains("eval loss"), t.err());
        Path concept = tmp.resolve("concepts/rex");

        CliTest.Result show = CliTest.run("concepts", "show", concept.toString());
        JsonNode manifest = Json.MAPPER.readTree(show.out());
        assertEquals("dreambooth", manifest.get("method").asText());
        assertEquals("lora", manifest.get("details").get("variant").asText());
        assertEquals(4, manifest.get("details").get("rank").asInt());

        Path kohya = tmp.resolve("rex-kohya.safetensors");
        assertEquals(0, CliTest.run("concepts", "export", concept.toString(), "--format", "kohya", "--out",
                kohya.toString()).code());
        Path diffusers = tmp.resolve("rex-diffusers.safetensors");
        assertEquals(0, CliTest.run("concepts", "export", concept.toString(), "--format", "diffusers", "--out",
                diffusers.toString()).code());
        CliTest.Result wrong = CliTest.run("concepts", "export", concept.toString(), "--format", "ckpt", "--out",
                tmp.resolve("x").toString());
        assertNotEquals(0, wrong.code());
        assertEquals(1, wrong.err().strip().lines().count(), wrong.err());

        String model = Golden.model("sd1").toString();
        assertEquals(0, generate(tmp.resolve("a.png"), "a photo of <rex>", "--model", model, "--concept",
                concept.toString()).code());
        CliTest.Result viaFile = generate(tmp.resolve("b.png"), "a photo of sks dog", "--model", model, "--concept",
                kohya.toString());
        assertEquals(0, viaFile.code(), viaFile.err());
        assertTrue(Files.isRegularFile(tmp.resolve("b.png")));
    }

    @Test
    void fullConceptSwitchesTheModelAndExportsASingleFile() throws Exception {
        CliTest.Result t = train("concepts/rex", "--lr", "1e-3", "--token", "sks");
        assertEquals(0, t.code(), t.err());
        assertTrue(t.out().contains("fine-tuned model"), t.out());
        Path concept = tmp.resolve("concepts/rex");

        CliTest.Result g = generate(tmp.resolve("a.png"), "a photo of <rex>", "--model",
                Golden.model("sd1").toString(), "--concept", concept.toString());
        assertEquals(0, g.code(), g.err());
        assertTrue(g.err().contains("generating with the fine-tuned model " + concept.resolve("model")), g.err());

        Path single = tmp.resolve("rex.safetensors");
        CliTest.Result e = CliTest.run("concepts", "export", concept.toString(), "--format", "a1111", "--out",
                single.toString());
        assertEquals(0, e.code(), e.err());
        CliTest.Result fromSingle = generate(tmp.resolve("b.png"), "a photo of sks dog", "--model", single.toString(),
                "--config", Golden.model("sd1").toString());
        assertEquals(0, fromSingle.code(), fromSingle.err());
        CliTest.Result viaConcept = generate(tmp.resolve("c.png"), "a photo of sks dog", "--concept",
                concept.toString());
        assertEquals(0, viaConcept.code(), viaConcept.err());
        assertTrue(java.util.Arrays.equals(pixels("b.png"), pixels("c.png")),
                "the single-file export generates what the concept's model does");
    }

    private int[] pixels(String name) throws Exception {
        var img = ImageIO.read(tmp.resolve(name).toFile());
        return img.getRGB(0, 0, img.getWidth(), img.getHeight(), null, 0, img.getWidth());
    }

    @Test
    void dreamBoothNeedsAClassWord() {
        CliTest.Result r = CliTest.run("train", "--method", "dreambooth", "--model", Golden.model("sd1").toString(),
                "--images", images.toString(), "--out", tmp.resolve("c/x").toString());
        assertNotEquals(0, r.code());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().contains("--class"), r.err());
    }

    @Test
    void benchTrainPrintsJson() throws Exception {
        CliTest.Result r = CliTest.run("bench", "train", "--method", "dreambooth-lora", "--model",
                Golden.model("sd1").toString(), "--steps", "3", "--warmup", "1");
        assertEquals(0, r.code(), r.err());
        JsonNode j = Json.MAPPER.readTree(r.out());
        assertEquals("dreambooth-lora", j.get("method").asText());
        assertEquals(4, j.get("options").get("loraRank").asInt());
        assertTrue(j.get("msPerStepMedian").asDouble() > 0);
        assertTrue(j.get("peakRssMb").asLong() > 0);
        assertEquals(3, j.get("timedSteps").asInt());
        CliTest.Result bad = CliTest.run("bench", "train", "--method", "nope", "--model",
                Golden.model("sd1").toString());
        assertNotEquals(0, bad.code());
        assertEquals(1, bad.err().strip().lines().count(), bad.err());
    }
}
