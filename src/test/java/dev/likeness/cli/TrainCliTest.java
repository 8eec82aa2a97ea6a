package dev.likeness.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.likeness.testing.Golden;
import dev.likeness.testing.TestImages;
import dev.likeness.util.Json;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Textual Inversion end to end through the CLI: train, inspect, generate with the concept, export and re-import. */
class TrainCliTest {
    @TempDir
    Path tmp;

    @Test
    void palpWithASecondSubjectFromTheCommandLine() throws Exception {
        Path pet = tmp.resolve("pet");
        Path art = tmp.resolve("art");
        Files.createDirectories(pet);
        Files.createDirectories(art);
        ImageIO.write(TestImages.subject(64, 0), "png", pet.resolve("a.png").toFile());
        ImageIO.write(TestImages.subject(64, 5), "png", art.resolve("b.png").toFile());
        Path concept = tmp.resolve("concepts/pet-art");
        CliTest.Result wrongMethod = CliTest.run("train", "--method", "ti", "--model", Golden.model("sd1").toString(),
                "--images", pet.toString(), "--out", concept.toString(), "--class", "dog",
                "--second-subject", "<art>=painting", "--second-images", art.toString());
        assertNotEquals(0, wrongMethod.code());
        assertTrue(wrongMethod.err().contains("unknown option 'secondToken' for textual-inversion"), wrongMethod.err());
        CliTest.Result train = CliTest.run("train", "--method", "palp", "--model", Golden.model("sd1").toString(),
                "--images", pet.toString(), "--out", concept.toString(), "--class", "dog", "--token", "<pet>",
                "--second-subject", "<art>=painting", "--second-images", art.toString(), "--second-prompt",
                "an oil painting of {}", "--prompt", "an oil painting of <pet> inspired by <art>", "--steps", "2",
                "--lora-rank", "4", "--batch", "1", "--grad-accum", "2");
        assertEquals(0, train.code(), train.err());
        JsonNode manifest = Json.MAPPER.readTree(CliTest.run("concepts", "show", concept.toString()).out());
        assertEquals("<art>", manifest.get("details").get("subjects").get(1).get("token").asText());
        assertEquals("an oil painting of {}", manifest.get("details").get("subjects").get(1).get("prompt").asText());
        assertEquals(1, Files.list(concept.resolve("references")).count(), "references: the main subject's only");
    }

    /** Every setting of a method's record is an --option; a typo is a one-line error naming the known ones. */
    @Test
    void unknownOptionsAreErrorsNamingTheKnownOnes() throws Exception {
        Path images = Files.createDirectories(tmp.resolve("imgs"));
        ImageIO.write(TestImages.subject(64, 0), "png", images.resolve("a.png").toFile());
        CliTest.Result typo = CliTest.run("train", "--method", "dreambooth", "--model", Golden.model("sd1").toString(),
                "--images", images.toString(), "--out", tmp.resolve("c/x").toString(), "--class", "dog", "--option",
                "classImagesPerImg=3");
        assertNotEquals(0, typo.code());
        System.out.println("CLI: " + typo.err().strip());
        assertTrue(typo.err().contains("unknown option 'classImagesPerImg' for dreambooth; known: loraRank, "
                + "loraAlpha, priorWeight, classImages, classImagesPerImage"), typo.err());
        assertEquals(1, typo.err().strip().lines().count(), typo.err());
        CliTest.Result type = CliTest.run("train", "--method", "ti", "--model", Golden.model("sd1").toString(),
                "--images", images.toString(), "--out", tmp.resolve("c/y").toString(), "--class", "dog", "--option",
                "vectors=many");
        assertNotEquals(0, type.code());
        assertTrue(type.err().contains("vectors"), type.err());
    }

    @Test
    void trainThenGenerateWithTheConceptAndItsExports() throws Exception {
        Path images = tmp.resolve("refs");
        Files.createDirectories(images);
        for (int i = 0; i < 2; i++) {
            ImageIO.write(TestImages.subject(64, i), "png", images.resolve("ref" + i + ".png").toFile());
        }
        Path concept = tmp.resolve("concepts/toy-dog");
        CliTest.Result train = CliTest.run("train", "--method", "ti", "--model", Golden.model("sd1").toString(),
                "--images", images.toString(), "--out", concept.toString(), "--class", "dog", "--steps", "6",
                "--grad-accum", "1", "--lr", "0.05", "--checkpoint-every", "2", "--log",
                tmp.resolve("logs/toy-dog.jsonl").toString());
        assertEquals(0, train.code(), train.err());
        assertTrue(Files.isRegularFile(concept.resolve("concept.json")));
        List<String> log = Files.readAllLines(tmp.resolve("logs/toy-dog.jsonl"));
        assertEquals(6, log.size(), "one JSON line per step");
        assertTrue(log.get(5).startsWith("{\"step\":6,\"total\":6,\"loss\":") && log.get(5).contains("\"lr\":0.05"),
                log.get(5));
        assertEquals(log, Files.readAllLines(concept.resolve("training/loss.jsonl")), "the concept keeps it");
        assertTrue(train.err().contains("loss history in " + concept.resolve("training/loss.jsonl")), train.err());
        assertTrue(Files.isRegularFile(concept.resolve("embeddings.safetensors")));
        assertTrue(!Files.exists(tmp.resolve("concepts/.toy-dog.training")), "checkpoints removed after success");

        CliTest.Result show = CliTest.run("concepts", "show", concept.toString());
        JsonNode manifest = Json.MAPPER.readTree(show.out());
        assertEquals("textual-inversion", manifest.get("method").asText());
        assertEquals("<toy-dog>", manifest.get("token").asText());
        assertEquals("sd1", manifest.get("modelFamily").asText());

        BufferedImage plain = generate("a photo of <toy-dog>", null, "plain.png");
        BufferedImage withConcept = generate("a photo of <toy-dog>", concept.toString(), "concept.png");
        assertNotEquals(checksum(plain), checksum(withConcept), "the concept changes the image");

        for (String format : new String[] {"a1111", "diffusers"}) {
            Path file = tmp.resolve("toy-dog-" + format + ".safetensors");
            CliTest.Result export = CliTest.run("concepts", "export", concept.toString(), "--format", format,
                    "--out", file.toString());
            assertEquals(0, export.code(), export.err());
            // A bare embedding file takes its token from the file (diffusers) or its name (A1111: <file-stem>)
            String token = format.equals("a1111") ? "<toy-dog-a1111>" : "<toy-dog>";
            BufferedImage reimported = generate("a photo of " + token, file.toString(), format + ".png");
            assertEquals(checksum(withConcept), checksum(reimported), format + " export reproduces the concept");
        }

        CliTest.Result wrongFamily = CliTest.run("generate", "--model", Golden.model("sd2").toString(), "--prompt",
                "a photo of <toy-dog>", "--concept", concept.toString(), "--steps", "2", "--out",
                tmp.resolve("x.png").toString());
        assertNotEquals(0, wrongFamily.code());
        assertTrue(wrongFamily.err().contains("trained for sd1"), wrongFamily.err());
        assertEquals(1, wrongFamily.err().strip().lines().count(), wrongFamily.err());
    }

    private BufferedImage generate(String prompt, String concept, String file) throws Exception {
        Path out = tmp.resolve(file);
        String[] base = {"generate", "--model", Golden.model("sd1").toString(), "--prompt", prompt, "--seed", "3",
                "--steps", "4", "--sampler", "euler", "--out", out.toString()};
        String[] args = concept == null ? base : concat(base, "--concept", concept);
        CliTest.Result r = CliTest.run(args);
        assertEquals(0, r.code(), r.err());
        return ImageIO.read(out.toFile());
    }

    private static String[] concat(String[] a, String... b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static long checksum(BufferedImage img) {
        long sum = 0;
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                sum = sum * 31 + img.getRGB(x, y);
            }
        }
        return sum;
    }
}
