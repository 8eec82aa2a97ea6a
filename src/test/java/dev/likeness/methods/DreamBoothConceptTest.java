package dev.likeness.methods;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.likeness.methods.ConceptApplier;
import dev.likeness.methods.ConceptExport;
import dev.likeness.concepts.ConceptManifest;
import dev.likeness.engine.weights.CheckpointLoader;
import dev.likeness.engine.weights.LoadedCheckpoint;
import dev.likeness.pipeline.CancelSignal;
import dev.likeness.pipeline.GenerationRequest;
import dev.likeness.pipeline.ProgressListener;
import dev.likeness.pipeline.SdModel;
import dev.likeness.pipeline.SdModelLoader;
import dev.likeness.pipeline.StableDiffusion;
import dev.likeness.testing.Golden;
import dev.likeness.testing.TestImages;
import dev.likeness.train.TrainingOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** DreamBooth end to end: images → concept folder → generation, and the exports loading back. */
class DreamBoothConceptTest {
    @TempDir
    Path tmp;
    private final List<Path> images = new ArrayList<>();

    @BeforeEach
    void writeImages() throws IOException {
        for (int i = 0; i < 2; i++) {
            Path p = tmp.resolve("ref-" + i + ".png");
            ImageIO.write(TestImages.subject(64, i), "png", p.toFile());
            images.add(p);
        }
    }

    private TrainingRequest request(int loraRank, int steps) {
        TrainingOptions options = DreamBoothFixtures.options(steps, loraRank == 0 ? 1e-3 : 1e-2, 0);
        return Requests.of("dreambooth", "rex", images, "<rex>", "dog", options,
                Map.of("loraRank", loraRank, "classImages", 4, "classSteps", 3), tmp.resolve("class"));
    }

    private static StableDiffusion withConcepts(SdModel model) {
        return new StableDiffusion(model, (m, name) -> ConceptApplier.apply(m, Path.of(name)));
    }

    private static int[] image(StableDiffusion sd, String prompt, String... concepts) {
        GenerationRequest req = new GenerationRequest(prompt, "", 3, 3, 7.5f, "ddim", 64, 64, 1, null, 0.8f,
                List.of(concepts));
        return LoraTest.pixels(sd.generate(req, ProgressListener.NONE, CancelSignal.none()));
    }

    @Test
    void loraConceptAppliesAndExportsLoadBack() throws Exception {
        Path concept = tmp.resolve("concepts/rex");
        try (SdModel model = SdModelLoader.load(Golden.model("sd1"), null)) {
            ConceptTrainer.Outcome out = ConceptTrainer.run(model, request(4, 20), tmp.resolve("work"), false, concept,
                    ProgressListener.NONE, CancelSignal.none());
            ConceptManifest c = out.concept();
            assertEquals("dreambooth", c.method());
            assertEquals("<rex>", c.token());
            assertEquals("lora", c.details().path("variant").asText());
            String subject = c.details().path("prompt").asText();
            assertEquals(c.details().path("identifier").asText() + " dog", subject);
            assertTrue(Files.isRegularFile(concept.resolve("lora.safetensors")));
            assertTrue(model.unet().attentionLayers().values().stream().allMatch(a -> a.toQ().adapters().isEmpty()),
                    "training removed its adapters");

            StableDiffusion sd = withConcepts(model);
            int[] base = image(sd, "a photo of " + subject);
            int[] viaAlias = image(sd, "a photo of <rex>", concept.toString());
            int[] viaWords = image(sd, "a photo of " + subject, concept.toString());
            assertArrayEquals(viaWords, viaAlias, "<rex> stands for '" + subject + "'");
            assertFalse(java.util.Arrays.equals(base, viaWords), "the concept changes the image");
            assertArrayEquals(base, image(sd, "a photo of " + subject), "and only for its request");

            for (String format : new String[] {"kohya", "diffusers"}) {
                Path file = tmp.resolve(format + ".safetensors");
                ConceptExport.export(concept, format, file);
                assertArrayEquals(viaWords, image(sd, "a photo of " + subject, file.toString()),
                        format + " export gives the same image");
            }
            IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                    () -> ConceptExport.export(concept, "ckpt", tmp.resolve("x.safetensors")));
            assertTrue(bad.getMessage().contains("kohya"), bad.getMessage());
        }
    }

    @Test
    void fullConceptIsAModelOfItsOwn() throws Exception {
        Path concept = tmp.resolve("concepts/rex");
        Map<String, byte[]> before = new LinkedHashMap<>();
        int[] baseImage;
        try (SdModel model = SdModelLoader.load(Golden.model("sd1"), null)) {
            model.parameters().unet().forEach((k, v) -> before.put(k, v.toByteArray()));
            ConceptTrainer.run(model, request(0, 10), tmp.resolve("work"), false, concept, ProgressListener.NONE,
                    CancelSignal.none());
            model.parameters().unet().forEach((k, v) -> assertArrayEquals(before.get(k), v.toByteArray(),
                    k + ": the shared model is restored after training"));
            IOException e = assertThrows(IOException.class, () -> ConceptApplier.apply(model, concept));
            assertTrue(e.getMessage().contains("--model") && e.getMessage().contains(concept.resolve("model").toString()),
                    e.getMessage());
            baseImage = image(new StableDiffusion(model), "a photo of <rex>");
        }
        Path own = ConceptApplier.fineTunedModel(concept).orElseThrow();
        assertEquals(concept.resolve("model"), own);
        try (SdModel tuned = SdModelLoader.load(own, null)) {
            assertFalse(java.util.Arrays.equals(before.get("conv_in.weight"),
                    tuned.parameters().unet().get("conv_in.weight").toByteArray()), "the UNet was trained");
            StableDiffusion sd = withConcepts(tuned);
            int[] img = image(sd, "a photo of <rex>", concept.toString());
            assertFalse(java.util.Arrays.equals(baseImage, img));

            Path single = tmp.resolve("rex.safetensors");
            ConceptExport.export(concept, "a1111", single);
            Path folder = tmp.resolve("rex-diffusers");
            ConceptExport.export(concept, "diffusers", folder);
            try (NDManager m = NDManager.newBaseManager()) {
                LoadedCheckpoint fromSingle = CheckpointLoader.load(single, own, m, DataType.FLOAT32);
                LoadedCheckpoint fromFolder = CheckpointLoader.load(folder, null, m, DataType.FLOAT32);
                tuned.parameters().unet().forEach((k, v) -> {
                    assertArrayEquals(v.toByteArray(), fromSingle.unet().get(k).toByteArray(), "single-file " + k);
                    assertArrayEquals(v.toByteArray(), fromFolder.unet().get(k).toByteArray(), "diffusers " + k);
                });
            }
            assertThrows(IllegalArgumentException.class,
                    () -> ConceptExport.export(concept, "kohya", tmp.resolve("y.safetensors")));
        }
    }
}
