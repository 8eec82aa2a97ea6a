package dev.likeness.methods.perfusion;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import dev.likeness.engine.weights.SafetensorsWriter;
import dev.likeness.testing.Golden;
import dev.likeness.util.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The concept file: ≈100 KB for the real SD 1.5 and SD 2.1 architectures, and it reads back exactly. */
class PerfusionConceptFileTest {
    @TempDir
    Path tmp;

    /** A concept with random values in the real architecture's shapes (real-architectures.json). */
    static PerfusionConcept realSized(String model) throws IOException {
        JsonNode real = Json.readTree(Golden.root().resolve("real-architectures.json")).get(model);
        int width = real.get("text_encoder").get("shapes").get("text_model.embeddings.token_embedding.weight").get(1)
                .asInt();
        Random random = new Random(1);
        List<PerfusionConcept.LayerTargets> layers = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = real.get("unet").get("shapes").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getKey().endsWith(".attn2.to_k.weight")) {
                assertEquals(width, e.getValue().get(1).asInt(), "cross-attention reads the text states");
                int d = e.getValue().get(0).asInt();
                layers.add(new PerfusionConcept.LayerTargets(e.getKey().replace(".to_k.weight", ""), floats(random, d),
                        floats(random, d)));
            }
        }
        return new PerfusionConcept("<my-teddy>", "teddy", model.equals("sd15") ? "sd1" : "sd2", "0123456789abcdef-0123456789abcdef",
                layers, floats(random, width), floats(random, width));
    }

    private static float[] floats(Random random, int n) {
        float[] f = new float[n];
        for (int i = 0; i < n; i++) {
            f[i] = (float) random.nextGaussian();
        }
        return f;
    }

    @ParameterizedTest
    @CsvSource({"sd15, 26496", "sd21, 27008"})
    void realArchitectureConceptIsAbout100KB(String model, int floats) throws Exception {
        PerfusionConcept c = realSized(model);
        assertEquals(16, c.layers().size(), "16 cross-attention layers");
        int total = c.layers().stream().mapToInt(l -> 2 * l.key().length).sum() + c.iStar().length + c.embedding().length;
        assertEquals(floats, total, "o*_K, o*_V of every layer, i*, the word embedding");
        Path file = tmp.resolve(model + ".safetensors");
        c.write(file);
        long size = Files.size(file);
        System.out.printf("Perfusion concept file, real %s architecture: %d bytes (%.1f KB)%n", model, size, size / 1000.0);
        assertTrue(size <= 110_000, model + " concept is " + size + " bytes");
        PerfusionConcept back = PerfusionConcept.read(file);
        assertEquals(c.token(), back.token());
        assertEquals(c.classWord(), back.classWord());
        assertEquals(c.family(), back.family());
        assertEquals(c.covariance(), back.covariance());
        assertArrayEquals(c.iStar(), back.iStar());
        assertArrayEquals(c.embedding(), back.embedding());
        for (int l = 0; l < c.layers().size(); l++) {
            assertEquals(c.layers().get(l).path(), back.layers().get(l).path());
            assertArrayEquals(c.layers().get(l).key(), back.layers().get(l).key());
            assertArrayEquals(c.layers().get(l).value(), back.layers().get(l).value());
        }
    }

    @Test
    void otherFilesAreRefusedInOneLine() throws Exception {
        Path file = tmp.resolve("not.safetensors");
        try (NDManager m = NDManager.newBaseManager()) {
            SafetensorsWriter.write(file, Map.of("x", m.create(new float[] {1})), Map.of("format", "pt"));
        }
        IOException e = assertThrows(IOException.class, () -> PerfusionConcept.read(file));
        assertTrue(e.getMessage().contains("not a Perfusion concept"), e.getMessage());
    }
}
