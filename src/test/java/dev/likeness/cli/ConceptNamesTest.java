package dev.likeness.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.likeness.testing.Golden;
import dev.likeness.testing.TestImages;
import dev.likeness.util.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConceptNamesTest {
    @TempDir
    Path tmp;

    @Test
    void aFileExtensionIsNotPartOfTheConceptName() {
        assertEquals("pf", ConceptNames.withoutFileExtension("pf.safetensors"));
        assertEquals("out/pf", ConceptNames.withoutFileExtension("out/pf.SafeTensors"));
        assertEquals("my.cat", ConceptNames.withoutFileExtension("my.cat"));
        assertEquals(".safetensors", ConceptNames.withoutFileExtension(".safetensors"));
    }

    @Test
    void trainOutWithAFileNameGivesTheTokenWithoutTheExtension() throws Exception {
        Path images = Files.createDirectories(tmp.resolve("refs"));
        ImageIO.write(TestImages.subject(64, 0), "png", images.resolve("ref.png").toFile());
        Path out = tmp.resolve("concepts/pf.safetensors");
        CliTest.Result r = CliTest.run("train", "--method", "ti", "--model", Golden.model("sd1").toString(),
                "--images", images.toString(), "--out", out.toString(), "--class", "dog", "--steps", "1",
                "--grad-accum", "1");
        assertEquals(0, r.code(), r.err());
        Path concept = tmp.resolve("concepts/pf");
        assertTrue(Files.isRegularFile(concept.resolve("concept.json")), r.out());
        assertEquals("<pf>", Json.readTree(concept.resolve("concept.json")).get("token").asText());
    }
}
