package dev.likeness.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.likeness.concepts.ConceptManifest;
import dev.likeness.concepts.EmbeddingFiles;
import dev.likeness.testing.Golden;
import dev.likeness.testing.TestImages;
import dev.likeness.util.Json;
import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code likeness retouch} and {@code likeness generate --mode layout-retouch} as a user runs them. */
class RetouchCliTest {
    @TempDir
    Path tmp;

    /** A Textual Inversion concept folder with one reference image. */
    private Path concept() throws Exception {
        return concept("cli-dog", "dog", 0);
    }

    private Path concept(String name, String classWord, int look) throws Exception {
        Path dir = tmp.resolve(name);
        Files.createDirectories(dir.resolve("references"));
        new ConceptManifest(name, "textual-inversion", "<" + name + ">", classWord, "sd1", "",
                Json.MAPPER.createObjectNode()).write(dir);
        try (NDManager m = NDManager.newBaseManager()) {
            m.getEngine().setRandomSeed(3 + look);
            EmbeddingFiles.writeDiffusers(dir.resolve("embeddings.safetensors"), "<" + name + ">",
                    m.randomNormal(new Shape(1, 32)));
        }
        ImageIO.write(TestImages.subject(64, look), "png", dir.resolve("references/00.png").toFile());
        return dir;
    }

    @Test
    void retouchAndLayoutRetouchFromTheCommandLine() throws Exception {
        Path concept = concept();
        String model = Golden.model("sd1").toString();
        Path layout = tmp.resolve("layout.png");
        ImageIO.write(TestImages.subject(48, 1), "png", layout.toFile());
        Path out = tmp.resolve("retouched.png");
        CliTest.Result r = CliTest.run("retouch", "--model", model, "--image", layout.toString(), "--concept",
                concept.toString(), "--prompt", "a photo of <cli-dog>", "--steps", "6", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        BufferedImage img = ImageIO.read(out.toFile());
        assertEquals(48, img.getWidth());
        String meta = pngText(out);
        assertTrue(meta.contains("\"mode\":\"retouch\"") && meta.contains("\"references\":\"1\""), meta);

        Path lr = tmp.resolve("lr.png");
        r = CliTest.run("generate", "--mode", "layout-retouch", "--model", model, "--concept", concept.toString(),
                "--layout-steps", "2", "--steps", "6", "--prompt", "a photo of <cli-dog> at the beach", "--seed", "4",
                "--count", "2", "--out", lr.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(Files.exists(tmp.resolve("lr-1.png")) && Files.exists(tmp.resolve("lr-2.png")), r.out());
        String lrMeta = pngText(tmp.resolve("lr-2.png"));
        assertTrue(lrMeta.contains("\"layoutSteps\":2") && lrMeta.contains("\"seed\":5"), lrMeta);

        r = CliTest.run("generate", "--mode", "layout-retouch", "--model", model, "--prompt", "a <cli-dog>",
                "--out", lr.toString());
        assertEquals(2, r.code());
        assertEquals("likeness: error: --mode layout-retouch takes 1 to 4 --concept (the subjects, each named in "
                + "the prompt by its token)", r.err().strip());
        r = CliTest.run("retouch", "--model", model, "--image", layout.toString(), "--concept", concept.toString(),
                "--prompt", "a photo of a dog", "--out", out.toString());
        assertEquals(2, r.code());
        assertTrue(r.err().strip().endsWith("the prompt must name the concept with its token <cli-dog>"), r.err());
    }

    @Test
    void layoutRetouchWithTwoConcepts() throws Exception {
        Path dog = concept("cli-dog", "dog", 0);
        Path cat = concept("cli-cat", "cat", 2);
        String model = Golden.model("sd1").toString();
        Path lr = tmp.resolve("pair.png");
        CliTest.Result r = CliTest.run("generate", "--mode", "layout-retouch", "--model", model, "--concept",
                dog.toString(), "--concept", cat.toString(), "--layout-steps", "2", "--steps", "6", "--prompt",
                "a photo of <cli-dog> and <cli-cat> at the beach", "--seed", "4", "--out", lr.toString());
        assertEquals(0, r.code(), r.err());
        String meta = pngText(lr);
        assertTrue(meta.contains("\"token\":[\"<cli-dog>\",\"<cli-cat>\"]") && meta.contains("\"references\":[\"1\","
                + "\"1\"]") && meta.contains("\"layoutPrompt\":\"a photo of dog and cat at the beach\""), meta);

        r = CliTest.run("generate", "--mode", "layout-retouch", "--model", model, "--concept", dog.toString(),
                "--concept", cat.toString(), "--class-word", "pet", "--prompt", "a <cli-dog> and <cli-cat>", "--out",
                lr.toString());
        assertEquals(2, r.code());
        assertTrue(r.err().strip().endsWith("--reference and --class-word go with one --concept; with several, each "
                + "uses its own reference images and class word"), r.err());
        r = CliTest.run("generate", "--mode", "layout-retouch", "--model", model, "--concept", dog.toString(),
                "--concept", cat.toString(), "--prompt", "a <cli-dog> alone", "--steps", "4", "--out", lr.toString());
        assertEquals(2, r.code());
        assertTrue(r.err().strip().endsWith("the prompt must name the concept with its token <cli-cat>"), r.err());
    }

    /** The PNG's bytes as text: its uncompressed tEXt chunk holds the parameters JSON. */
    private static String pngText(Path png) throws Exception {
        return new String(Files.readAllBytes(png), StandardCharsets.ISO_8859_1);
    }
}
