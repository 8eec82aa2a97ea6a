package dev.likeness.pipeline;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import dev.likeness.engine.weights.SafetensorsFile;
import dev.likeness.testing.Golden;
import dev.likeness.util.Json;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Whole txt2img/img2img runs against diffusers' images: every sampler and seed, within 2/255 per pixel. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PipelineParityTest {
    private static final int MAX_PIXEL_DIFF = 2;
    private final List<SdModel> models = new ArrayList<>();

    @BeforeAll
    void noop() {}

    @AfterAll
    void close() {
        models.forEach(SdModel::close);
    }

    private StableDiffusion load(String family) throws Exception {
        SdModel m = SdModelLoader.load(Golden.model(family), null);
        models.add(m);
        return new StableDiffusion(m);
    }

    /** Largest difference of round(x·255) between two [0,1] images; golden images are HWC, ours NCHW. */
    static int maxPixelDiff(NDArray oursNchw, NDArray goldenHwc) {
        NDArray ours = oursNchw.get(0).transpose(1, 2, 0);
        NDArray a = ours.mul(255f).round();
        NDArray b = goldenHwc.mul(255f).round();
        return (int) a.sub(b).abs().max().getFloat();
    }

    @ParameterizedTest
    @ValueSource(strings = {"sd1", "sd2"})
    void txt2imgEverySamplerAndSeed(String family) throws Exception {
        StableDiffusion sd = load(family);
        try (SafetensorsFile g = Golden.open(family, "pipeline.safetensors"); NDManager m = NDManager.newBaseManager()) {
            JsonNode cases = Json.MAPPER.readTree(g.metadata().get("cases"));
            List<String> report = new ArrayList<>();
            int checked = 0;
            for (JsonNode c : cases) {
                String key = c.get("key").asText();
                if (key.startsWith("img2img")) {
                    continue;
                }
                GenerationRequest req = request(c, null);
                NDArray image = sd.sample(req, c.get("scheduler").asText(), sd.conditioning(req, m),
                        c.get("seed").asLong(), null, null, m, StableDiffusion.Progress.of(ProgressListener.NONE),
                        CancelSignal.none());
                int diff = maxPixelDiff(image, g.load(key, m));
                report.add(key + "=" + diff);
                assertTrue(diff <= MAX_PIXEL_DIFF, family + " " + key + ": max pixel diff " + diff + " " + report);
                checked++;
            }
            assertTrue(checked >= 10, "cases checked: " + checked);
            System.out.println(family + " txt2img max pixel diffs: " + report);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sd1", "sd2"})
    void givenLatentsAndImg2img(String family) throws Exception {
        StableDiffusion sd = load(family);
        try (SafetensorsFile g = Golden.open(family, "pipeline.safetensors"); NDManager m = NDManager.newBaseManager()) {
            JsonNode cases = Json.MAPPER.readTree(g.metadata().get("cases"));
            JsonNode ddim42 = find(cases, "ddim.42");
            GenerationRequest req = request(ddim42, null);
            NDArray image = sd.sample(req, "ddim", sd.conditioning(req, m), 0, g.load("ddim.given_latents", m), null, m,
                    StableDiffusion.Progress.of(ProgressListener.NONE), CancelSignal.none());
            int diff = maxPixelDiff(image, g.load("ddim.given_latents.image", m));
            assertTrue(diff <= MAX_PIXEL_DIFF, family + " given latents: max pixel diff " + diff);

            JsonNode i2i = find(cases, "img2img.image");
            NDArray init = g.load("img2img.init", m);
            GenerationRequest r2 = request(i2i, new java.awt.image.BufferedImage(64, 64, 1));
            NDArray out = sd.sample(r2, i2i.get("scheduler").asText(), sd.conditioning(r2, m), i2i.get("seed").asLong(),
                    null, init, m, StableDiffusion.Progress.of(ProgressListener.NONE), CancelSignal.none());
            int d2 = maxPixelDiff(out, g.load("img2img.image", m));
            System.out.println(family + " given-latents diff " + diff + ", img2img diff " + d2);
            assertTrue(d2 <= MAX_PIXEL_DIFF, family + " img2img: max pixel diff " + d2);
        }
    }

    private static JsonNode find(JsonNode cases, String key) {
        for (JsonNode c : cases) {
            if (c.get("key").asText().equals(key)) {
                return c;
            }
        }
        throw new AssertionError("no golden case " + key);
    }

    private static GenerationRequest request(JsonNode c, java.awt.image.BufferedImage init) {
        return new GenerationRequest(c.get("prompt").asText(), c.get("negative_prompt").asText(), c.get("seed").asLong(),
                c.get("steps").asInt(), (float) c.get("guidance_scale").asDouble(), c.get("scheduler").asText(),
                c.path("width").asInt(64), c.path("height").asInt(64), 1, init,
                (float) c.path("strength").asDouble(0.8), List.of());
    }
}
