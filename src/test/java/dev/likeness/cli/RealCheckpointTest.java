package dev.likeness.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.likeness.testing.Golden;
import dev.likeness.testing.SparseCheckpoints;
import dev.likeness.util.Json;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * A user's first step: a bare single file of the real SD 1.5 / SD 2.1 architecture (every name and shape of the
 * published files, zero weights, as published files carry them: fp16, with LDM buffers and the OpenCLIP head) runs
 * `inspect` and a one-step generate with nothing beside it.
 */
class RealCheckpointTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"sd15", "sd21"})
    void bareRealSingleFileInspectsAndGenerates(String model) throws Exception {
        JsonNode real = Json.readTree(Golden.root().resolve("real-architectures.json")).get(model);
        Map<String, long[]> shapes = new LinkedHashMap<>(SparseCheckpoints.shapes(real.get("ldm_single_file")));
        shapes.put("betas", new long[] {1000});
        shapes.put("alphas_cumprod", new long[] {1000});
        if (model.equals("sd21")) {
            // published SD 2.x files hold the whole OpenCLIP tower: the 24th block and the CLIP head
            String last = "cond_stage_model.model.transformer.resblocks.22.";
            new LinkedHashMap<>(shapes).forEach((name, shape) -> {
                if (name.startsWith(last)) {
                    shapes.put(name.replace(".resblocks.22.", ".resblocks.23."), shape);
                }
            });
            shapes.put("cond_stage_model.model.text_projection", new long[] {1024, 1024});
            shapes.put("cond_stage_model.model.logit_scale", new long[] {});
        }
        Path file = dir.resolve(model.equals("sd15") ? "v1-5-pruned-emaonly.safetensors" : "v2-1_768-ema-pruned.safetensors");
        SparseCheckpoints.write(file, shapes, "F16", Map.of());

        CliTest.Result inspect = CliTest.run("inspect", "--model", file.toString());
        assertEquals(0, inspect.code(), inspect.err());
        JsonNode info = Json.MAPPER.readTree(inspect.out());
        assertEquals(model.equals("sd15") ? "sd1" : "sd2", info.get("family").asText());
        assertEquals("built-in CLIP BPE", info.get("tokenizer").asText());
        long expected = real.get("unet").get("params").asLong() + real.get("vae").get("params").asLong()
                + real.get("text_encoder").get("params").asLong();
        assertEquals(expected, info.get("parameters_total").asLong(), info.toString());
        if (model.equals("sd21")) {
            // zero weights have no spread: ComfyUI's statistic calls them epsilon, and says so
            assertTrue(info.get("prediction_type_rule").asText().startsWith("weight statistic"), info.toString());
        } else {
            assertEquals(512, info.get("native_size").asInt());
        }

        Path png = dir.resolve(model + ".png");
        CliTest.Result gen = CliTest.run("generate", "--model", file.toString(), "--prompt", "a photo of a cat",
                "--steps", "1", "--width", "64", "--height", "64", "--seed", "1", "--out", png.toString());
        assertEquals(0, gen.code(), gen.err());
        BufferedImage img = ImageIO.read(png.toFile());
        assertEquals(64, img.getWidth());
        assertEquals(64, img.getHeight());
        System.out.println(model + " bare single file: inspect " + info.get("prediction_type").asText() + " ("
                + info.get("prediction_type_rule").asText() + "), 1-step 64x64 generate ok");
    }
}
