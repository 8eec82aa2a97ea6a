package dev.likeness.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import dev.likeness.engine.weights.SafetensorsFile;
import dev.likeness.pipeline.ImageTensors;
import dev.likeness.testing.Golden;
import dev.likeness.util.Json;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CLI commands as a user runs them: outputs, files, and one-line errors. */
class CliTest {
    @TempDir
    Path tmp;

    record Result(int code, String out, String err) {}

    static Result run(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int code = Main.run(args);
            return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    @Test
    void generateWritesTheReferenceImageWithParameters() throws Exception {
        Path out = tmp.resolve("cat.png");
        Result r = run("generate", "--model", Golden.model("sd1").toString(), "--prompt", "a photo of a cat",
                "--seed", "42", "--steps", "10", "--sampler", "euler", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        BufferedImage img = ImageIO.read(out.toFile());
        assertEquals(64, img.getWidth());
        try (SafetensorsFile g = Golden.open("sd1", "pipeline.safetensors"); NDManager m = NDManager.newBaseManager()) {
            NDArray ours = ImageTensors.toTensor(img, m).get(0).transpose(1, 2, 0).mul(255f).round();
            NDArray ref = g.load("euler.42", m).mul(255f).round();
            assertTrue(ours.sub(ref).abs().max().getFloat() <= 2, "CLI image differs from diffusers");
        }
        String png = new String(Files.readAllBytes(out), StandardCharsets.ISO_8859_1);
        assertTrue(png.contains("\"prompt\":\"a photo of a cat\"") && png.contains("\"seed\":42"), "metadata chunk");
    }

    @Test
    void generateRewritesALivePreviewFile() throws Exception {
        Path out = tmp.resolve("dog.png");
        Path preview = tmp.resolve("live.png");
        Result r = run("generate", "--model", Golden.model("sd1").toString(), "--prompt", "a dog", "--seed", "1",
                "--steps", "4", "--width", "64", "--height", "48", "--preview", preview.toString(), "--out",
                out.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("preview: " + preview), r.err());
        BufferedImage live = ImageIO.read(preview.toFile());
        assertEquals(64, live.getWidth());
        assertEquals(48, live.getHeight());
        try (var files = Files.list(tmp)) {
            assertEquals(2, files.count(), "no temporary files left beside the preview");
        }

        for (String[] bad : new String[][] {{"--preview", tmp.resolve("live.jpg").toString()},
                {"--preview", tmp.resolve("absent/live.png").toString()}, {"--preview", out.toString()},
                {"--preview", preview.toString(), "--mode", "layout-retouch", "--concept", "x"}}) {
            java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("generate", "--model",
                    Golden.model("sd1").toString(), "--prompt", "x", "--steps", "1", "--out", out.toString()));
            args.addAll(java.util.List.of(bad));
            Result refused = run(args.toArray(String[]::new));
            assertEquals(2, refused.code(), refused.err());
            assertOneLine(refused.err());
            assertTrue(refused.err().contains("--preview"), refused.err());
        }
    }

    @Test
    void benchPreviewPrintsOneJsonObjectWithTheRatio() throws Exception {
        Result r = run("bench", "preview", "--model", Golden.model("sd1").toString(), "--steps", "1", "--previews",
                "2");
        assertEquals(0, r.code(), r.err());
        JsonNode json = Json.MAPPER.readTree(r.out());
        assertEquals(64, json.get("size").asInt());
        assertEquals("64x64", json.get("previewSize").asText());
        assertTrue(json.get("stepMsMedian").asDouble() > 0 && json.get("previewMsMedian").asDouble() > 0, r.out());
        assertEquals(json.get("previewMsMedian").asDouble() / json.get("stepMsMedian").asDouble(),
                json.get("previewShareOfStep").asDouble(), 1e-3);
        assertEquals(3, json.get("fitRmse").size());
        Result bad = run("bench", "preview", "--model", Golden.model("sd1").toString(), "--previews", "0");
        assertEquals(2, bad.code(), bad.err());
        assertOneLine(bad.err());
    }

    @Test
    void benchGeneratePrintsImageLoadAndProcessTimes() throws Exception {
        Result r = run("bench", "generate", "--model", Golden.model("sd1").toString(), "--steps", "2", "--runs", "2",
                "--warmup", "0", "--size", "32");
        assertEquals(0, r.code(), r.err());
        JsonNode json = Json.MAPPER.readTree(r.out());
        assertEquals(32, json.get("size").asInt());
        assertEquals(2, json.get("timedRuns").asInt());
        assertTrue(json.get("msPerImageMin").asDouble() > 0 && json.get("msPerImageMedian").asDouble()
                >= json.get("msPerImageMin").asDouble(), r.out());
        assertTrue(json.get("processStartToFirstImageMs").asLong() >= json.get("loadMs").asLong(), r.out());
        Result bad = run("bench", "generate", "--model", Golden.model("sd1").toString(), "--size", "30");
        assertEquals(2, bad.code(), bad.err());
        assertOneLine(bad.err());
    }

    @Test
    void tokenizeAndInspectPrintJson() throws Exception {
        Result t = run("tokenize", "--model", Golden.model("sd2").toString(), "a photo of a cat", "hi");
        assertEquals(0, t.code(), t.err());
        String[] lines = t.out().strip().split("\n");
        assertEquals(2, lines.length);
        JsonNode first = Json.MAPPER.readTree(lines[0]);
        assertEquals("a photo of a cat", first.get("text").asText());
        assertEquals(77, first.get("ids").size());
        assertEquals(49406, first.get("ids").get(0).asInt());

        Result i = run("inspect", "--model", Golden.singleFile("sd2").toString(), "--config",
                Golden.model("sd2").toString());
        assertEquals(0, i.code(), i.err());
        JsonNode info = Json.MAPPER.readTree(i.out());
        assertEquals("sd2", info.get("family").asText());
        assertEquals("v_prediction", info.get("prediction_type").asText());
        assertTrue(info.get("parameters").get("unet").asLong() > 0);
    }

    @Test
    void badInputGivesOneLineErrorsAndNoFile() throws Exception {
        Path out = tmp.resolve("x.png");
        Result missing = run("generate", "--model", tmp.resolve("nope").toString(), "--prompt", "x", "--out",
                out.toString());
        assertNotEquals(0, missing.code());
        assertOneLine(missing.err());
        assertTrue(missing.err().contains("model not found"), missing.err());

        Path junk = tmp.resolve("junk.safetensors");
        Files.writeString(junk, "this is not a checkpoint");
        Result bad = run("generate", "--model", junk.toString(), "--prompt", "x", "--out", out.toString());
        assertNotEquals(0, bad.code());
        assertOneLine(bad.err());

        Result steps = run("generate", "--model", Golden.model("sd1").toString(), "--prompt", "x", "--steps", "0",
                "--out", out.toString());
        assertNotEquals(0, steps.code());
        assertOneLine(steps.err());

        Result sampler = run("generate", "--model", Golden.model("sd1").toString(), "--prompt", "x", "--sampler",
                "bogus", "--steps", "2", "--out", out.toString());
        assertNotEquals(0, sampler.code());
        assertOneLine(sampler.err());

        Result unknown = run("generate", "--frobnicate");
        assertNotEquals(0, unknown.code());
        assertOneLine(unknown.err());
        assertFalse(Files.exists(out), "no half-written output on failure");
    }

    private static void assertOneLine(String err) {
        assertEquals(1, err.strip().lines().count(), "expected a one-line error, got: " + err);
        assertFalse(err.contains("\tat "), "stack trace printed: " + err);
    }
}
