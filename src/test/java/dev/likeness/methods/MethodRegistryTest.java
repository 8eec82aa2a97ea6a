package dev.likeness.methods;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.likeness.methods.testonly.OneVectorMethod;
import dev.likeness.methods.textualinversion.TextualInversionOptions;
import dev.likeness.pipeline.CancelSignal;
import dev.likeness.pipeline.ProgressListener;
import dev.likeness.pipeline.SdModel;
import dev.likeness.pipeline.SdModelLoader;
import dev.likeness.server.api.MethodViews;
import dev.likeness.testing.Golden;
import dev.likeness.testing.TestImages;
import dev.likeness.train.TrainingOptions;
import dev.likeness.util.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The registry: strict typed settings, one set of defaults, and a method added by one line. */
class MethodRegistryTest {
    private static final MethodRegistry REGISTRY = MethodRegistry.standard();

    private static JsonNode json(String text) throws Exception {
        return Json.MAPPER.readTree(text);
    }

    @Test
    void settingsAreBoundStrictly() throws Exception {
        PersonalizationMethod<?> ti = REGISTRY.find("TI");
        assertEquals("textual-inversion", ti.id());
        TextualInversionOptions s = (TextualInversionOptions) MethodSettings.bind(ti, json("{\"vectors\":3}"));
        assertEquals(3, s.vectors());
        assertEquals("object", s.templates(), "the rest are the defaults");
        MethodSettings.BadSetting typo = assertThrows(MethodSettings.BadSetting.class,
                () -> MethodSettings.bind(ti, json("{\"vector\":3}")));
        assertEquals("vector", typo.name());
        assertTrue(typo.getMessage().contains("known: initWord, vectors, templates, flips, scaleLr"), typo.getMessage());
        MethodSettings.BadSetting type = assertThrows(MethodSettings.BadSetting.class,
                () -> MethodSettings.bind(ti, json("{\"vectors\":\"three\"}")));
        assertEquals("vectors", type.name(), type.getMessage());
        assertThrows(IllegalArgumentException.class, () -> MethodSettings.bind(ti, json("{\"templates\":\"x\"}")));
        assertThrows(IllegalArgumentException.class, () -> REGISTRY.find("lora"));
        assertEquals("loraRank", MethodSettings.jsonName("lora-rank"));
        assertEquals("loraRank", MethodSettings.jsonName("loraRank"));
        assertEquals(8, MethodSettings.cliValue("8").asInt());
        assertTrue(MethodSettings.cliValue("style").isTextual());
    }

    /** TI's loop defaults are the reference's: batch 1 × accumulation 4 and lr 5e-3 scaled by both (0.02). */
    @Test
    void loopDefaultsComeFromTheMethod() throws Exception {
        TrainingOptions ti = REGISTRY.request("ti", "x", List.of(), List.of(), null, "dog", LoopSettings.NONE, 0, 50,
                null, null).options();
        assertEquals(1, ti.batchSize());
        assertEquals(4, ti.gradAccumulation());
        assertEquals(0.02, ti.lr().baseLr(), 1e-12);
        TrainingOptions flat = REGISTRY.request("ti", "x", List.of(), List.of(), null, "dog", LoopSettings.NONE, 0, 50,
                json("{\"scaleLr\":false}"), null).options();
        assertEquals(5e-3, flat.lr().baseLr(), 1e-12);
        TrainingOptions perfusion = REGISTRY.request("perfusion", "x", List.of(), List.of(), null, "dog",
                LoopSettings.NONE, 0, 50, null, null).options();
        assertEquals(4 * 4, perfusion.batchSize() * perfusion.gradAccumulation(), "perfusion_teddy.yaml: 4 × 4");
        TrainingOptions palp = REGISTRY.request("palp", "x", List.of(), List.of(), null, "dog", LoopSettings.NONE, 0,
                50, json("{\"targetPrompt\":\"a sketch of {}\"}"), null).options();
        assertEquals(32, palp.batchSize() * palp.gradAccumulation(), "the paper's batch 32");
        assertThrows(IllegalArgumentException.class, () -> REGISTRY.request("palp", "x", List.of(), List.of(), null,
                "dog", LoopSettings.NONE, 0, 50, null, null), "PALP needs its target prompt");
    }

    @Test
    void everyMethodDocumentsEverySettingOnce() {
        Set<String> names = new HashSet<>();
        for (PersonalizationMethod<?> m : REGISTRY.all()) {
            assertTrue(names.add(m.id()), m.id());
            m.aliases().forEach(a -> assertTrue(names.add(a), a));
            assertEquals(MethodSettings.names(m.settingsType()), m.docs().stream().map(SettingDoc::name).toList(),
                    m.id() + ": one doc per setting, in order");
        }
        MethodViews.Methods view = MethodViews.of(REGISTRY);
        assertEquals(List.of("textual-inversion", "dreambooth", "perfusion", "palp"),
                view.methods().stream().map(MethodViews.Method::id).toList());
        System.out.println("GET /api/v1/methods: " + Json.write(view).length() + " bytes, "
                + view.methods().stream().mapToInt(v -> v.options().size()).sum() + " settings");
    }

    /** A method defined only in this test: registered by one line, listed, and trained end to end. */
    @Test
    void aMethodIsOnePackageAndOneRegistryLine(@TempDir Path dir) throws Exception {
        MethodRegistry registry = REGISTRY.with(new OneVectorMethod());
        assertEquals("one-vector", registry.find("ov").id());
        assertTrue(Json.write(MethodViews.of(registry)).contains("\"one-vector\""));
        assertThrows(MethodSettings.BadSetting.class, () -> registry.request("ov", "x", List.of(), List.of(), null,
                "dog", LoopSettings.NONE, 0, 0, json("{\"vectors\":2}"), null));
        List<Path> images = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            Path p = dir.resolve("ref" + i + ".png");
            ImageIO.write(TestImages.subject(64, i), "png", p.toFile());
            images.add(p);
        }
        TrainingRequest req = registry.request("one-vector", "ov-dog", images, List.of(), null, "dog",
                LoopSettings.NONE, 0, 0, json("{\"templates\":\"style\"}"), null);
        assertEquals(2, req.options().steps());
        try (SdModel model = SdModelLoader.load(Golden.model("sd1"), null)) {
            ConceptTrainer.Outcome out = ConceptTrainer.run(registry, model, req, dir.resolve("work"), false,
                    dir.resolve("ov-dog"), ProgressListener.NONE, TrainingFeedback.NONE,
                    CancelSignal.none());
            assertEquals("<ov-dog>", out.concept().token());
            assertTrue(Files.isRegularFile(dir.resolve("ov-dog/embeddings.safetensors")));
            // its concept adapter applies it at generation; the standard registry does not know the method
            java.io.IOException unknown = assertThrows(java.io.IOException.class,
                    () -> ConceptApplier.apply(model, dir.resolve("ov-dog")));
            assertTrue(unknown.getMessage().contains("uses method 'one-vector'"), unknown.getMessage());
            assertFalse(model.conceptTokens().has("<ov-dog>"));
            ConceptApplier.apply(registry, model, dir.resolve("ov-dog"), java.util.Map.of());
            assertTrue(model.conceptTokens().has("<ov-dog>"), "applied through the registered method's adapter");
            java.io.IOException export = assertThrows(java.io.IOException.class,
                    () -> ConceptExport.export(registry, dir.resolve("ov-dog"), "a1111", dir.resolve("x.pt")));
            assertTrue(export.getMessage().contains("not available"), export.getMessage());
        }
        assertFalse(Json.write(MethodViews.of(REGISTRY)).contains("one-vector"), "the standard registry is unchanged");
    }
}
