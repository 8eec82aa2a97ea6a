package dev.likeness.engine.weights;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.likeness.testing.Golden;
import dev.likeness.testing.SparseCheckpoints;
import dev.likeness.util.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Checkpoints as they come from the field: files of other architectures and misnumbered files are refused saying
 * what they are, SD 2.x prediction types are decided by stated rules, EMA copies and another VAE can be chosen, and
 * tensors that are not part of the model are ignored with a note.
 */
class FieldCheckpointsTest {
    private static Map<String, long[]> sd15;

    @TempDir
    Path dir;

    @BeforeAll
    static void read() throws IOException {
        sd15 = SparseCheckpoints.shapes(Json.readTree(Golden.root().resolve("real-architectures.json"))
                .get("sd15").get("ldm_single_file"));
    }

    private String refusal(Map<String, long[]> shapes) throws IOException {
        Path file = dir.resolve("model.safetensors");
        Files.deleteIfExists(file);
        SparseCheckpoints.write(file, shapes, "F16", Map.of());
        return assertThrows(WeightsFormatException.class,
                () -> CheckpointLoader.describe(file, LoadOptions.DEFAULT)).getMessage();
    }

    @Test
    void otherArchitecturesAreRefusedNamingWhatTheyAre() throws IOException {
        Map<String, long[]> inpainting = new LinkedHashMap<>(sd15);
        inpainting.put("model.diffusion_model.input_blocks.0.0.weight", new long[] {320, 9, 3, 3});
        assertTrue(refusal(inpainting).contains("an inpainting checkpoint (9-channel UNet input"));

        Map<String, long[]> xl = new LinkedHashMap<>(sd15);
        xl.put("conditioner.embedders.0.transformer.text_model.embeddings.token_embedding.weight", new long[] {49408, 768});
        assertTrue(refusal(xl).contains("an SDXL checkpoint"));

        assertTrue(refusal(Map.of("model.diffusion_model.joint_blocks.0.x_block.attn.qkv.weight", new long[] {4, 4}))
                .contains("Stable Diffusion 3"));
        assertTrue(refusal(Map.of("double_blocks.0.img_attn.qkv.weight", new long[] {4, 4})).contains("Flux"));
    }

    @Test
    void misnumberedUnetBlocksAreRefusedNamingTheFirstOffendingKey() throws IOException {
        Map<String, long[]> gap = new LinkedHashMap<>(sd15);
        gap.keySet().removeIf(n -> n.startsWith("model.diffusion_model.input_blocks.2."));
        String m = refusal(gap);
        assertTrue(m.contains("'model.diffusion_model.input_blocks.3.0.op.bias' is out of place"), m);
        assertTrue(m.contains("do not fit 2 layers per block"), m);

        Map<String, long[]> extra = new LinkedHashMap<>(sd15);
        extra.put("model.diffusion_model.output_blocks.12.0.in_layers.0.weight", new long[] {320});
        m = refusal(extra);
        assertTrue(m.contains("'model.diffusion_model.output_blocks.12.0.in_layers.0.weight'"), m);
        assertTrue(m.contains("13 output blocks for 4 levels, expected 12"), m);
    }

    private CheckpointSummary sd2(Map<String, String> metadata, String name) throws IOException {
        Map<String, long[]> shapes = new LinkedHashMap<>();
        try (SafetensorsFile f = SafetensorsFile.open(Golden.singleFile("sd2"))) {
            f.tensors().forEach((n, info) -> shapes.put(n, info.shape()));
        }
        Path file = dir.resolve(name);
        SparseCheckpoints.write(file, shapes, "F16", metadata);
        return CheckpointLoader.describe(file, LoadOptions.DEFAULT);
    }

    @Test
    void sd2PredictionTypeIsDecidedByTheStatedRules() throws IOException {
        CheckpointSummary plain = sd2(Map.of(), "plain.safetensors");
        assertEquals("v_prediction", plain.predictionType());
        assertTrue(plain.predictionRule().startsWith("family default"), plain.predictionRule());
        assertEquals(768, plain.nativeSize(), "768-v preset");

        CheckpointSummary spec = sd2(Map.of("modelspec.prediction_type", "epsilon"), "spec.safetensors");
        assertEquals("epsilon", spec.predictionType());
        assertEquals("file metadata modelspec.prediction_type=epsilon", spec.predictionRule());
        assertEquals(512, spec.nativeSize(), "512-base preset");
        assertEquals("PNDMScheduler", spec.scheduler());

        Files.writeString(dir.resolve("base.yaml"), "model:\n  params:\n    parameterization: \"eps\"\n");
        CheckpointSummary yaml = sd2(Map.of(), "base.safetensors");
        assertEquals("epsilon", yaml.predictionType());
        assertTrue(yaml.predictionRule().startsWith("base.yaml beside the file"), yaml.predictionRule());

        Files.writeString(dir.resolve("v.yaml"), "model:\n  params:\n    parameterization: \"v\"\n");
        assertEquals("v_prediction", sd2(Map.of("modelspec.prediction_type", "v"), "v.safetensors").predictionType());

        Files.writeString(dir.resolve("pulled.safetensors" + CheckpointLoader.PULL_RECORD_SUFFIX),
                "{\"catalog\":\"sd21-base\",\"prediction_type\":\"epsilon\"}");
        CheckpointSummary pulled = sd2(Map.of(), "pulled.safetensors");
        assertEquals("epsilon", pulled.predictionType());
        assertTrue(pulled.predictionRule().startsWith("catalog entry 'sd21-base'"), pulled.predictionRule());

        CheckpointSummary forced = CheckpointLoader.describe(dir.resolve("plain.safetensors"),
                new LoadOptions(null, "epsilon", false, null));
        assertEquals("epsilon", forced.predictionType());
        assertEquals("--prediction-type", forced.predictionRule());
    }

    @Test
    void emaWeightsAreChosenWithEmaAndNotedOtherwise() throws IOException {
        Path file = dir.resolve("with-ema.safetensors");
        try (NDManager m = NDManager.newBaseManager(); SafetensorsFile src = SafetensorsFile.open(Golden.singleFile("sd1"))) {
            Map<String, NDArray> tensors = new LinkedHashMap<>();
            for (String name : src.tensors().keySet()) {
                NDArray a = src.load(name, m, DataType.FLOAT32);
                tensors.put(name, a);
                if (name.startsWith("model.diffusion_model.")) {
                    tensors.put(EmaWeights.emaName(name), a.zerosLike().add(0.25f));
                }
            }
            tensors.put("optimizer.state.0.exp_avg", m.zeros(new ai.djl.ndarray.types.Shape(2)));
            SafetensorsWriter.write(file, tensors, Map.of());
        }
        try (NDManager m = NDManager.newBaseManager()) {
            LoadedCheckpoint raw = CheckpointLoader.loadWith(file, LoadOptions.DEFAULT, m, DataType.FLOAT32);
            LoadedCheckpoint ema = CheckpointLoader.loadWith(file, new LoadOptions(null, null, true, null), m,
                    DataType.FLOAT32);
            NDArray rawConv = raw.unet().get("conv_in.weight");
            NDArray emaConv = ema.unet().get("conv_in.weight");
            assertTrue(rawConv.sub(0.25f).abs().max().getFloat() > 0.01f, "raw weights are not the EMA copy");
            assertEquals(0f, emaConv.sub(0.25f).abs().max().getFloat(), "--ema reads model_ema.*");
            assertTrue(raw.notes().stream().anyMatch(n -> n.contains("EMA weights")), raw.notes().toString());
            assertTrue(raw.notes().stream().anyMatch(n -> n.contains("ignored 1 tensor")
                    && n.contains("optimizer.state.0.exp_avg")), raw.notes().toString());
        }
        WeightsFormatException none = assertThrows(WeightsFormatException.class, () -> CheckpointLoader.describe(
                Golden.singleFile("sd1"), new LoadOptions(null, null, true, null)));
        assertTrue(none.getMessage().contains("no EMA weights"), none.getMessage());
    }

    @Test
    void anotherVaeReplacesTheModelsOwnFromAFolderOrAnLdmFile() throws IOException {
        try (NDManager m = NDManager.newBaseManager()) {
            LoadedCheckpoint sd2 = CheckpointLoader.load(Golden.model("sd2"), null, m, DataType.FLOAT32);
            LoadedCheckpoint fromFolder = CheckpointLoader.loadWith(Golden.singleFile("sd1"),
                    new LoadOptions(null, null, false, Golden.model("sd2")), m, DataType.FLOAT32);
            assertSameArrays(sd2.vae(), fromFolder.vae());
            assertTrue(fromFolder.notes().contains("VAE from model"), fromFolder.notes().toString());

            Path ldmVae = dir.resolve("vae-ft-test.safetensors");
            try (SafetensorsFile src = SafetensorsFile.open(Golden.singleFile("sd2"))) {
                Map<String, NDArray> vae = new LinkedHashMap<>();
                for (String name : src.tensors().keySet()) {
                    if (name.startsWith("first_stage_model.")) {
                        vae.put(name.substring("first_stage_model.".length()), src.load(name, m, DataType.FLOAT32));
                    }
                }
                SafetensorsWriter.write(ldmVae, vae, Map.of());
            }
            LoadedCheckpoint fromFile = CheckpointLoader.loadWith(Golden.model("sd1"),
                    new LoadOptions(null, null, false, ldmVae), m, DataType.FLOAT32);
            assertSameArrays(sd2.vae(), fromFile.vae());
        }
    }

    private static void assertSameArrays(Map<String, NDArray> want, Map<String, NDArray> got) {
        assertEquals(want.keySet(), got.keySet());
        for (String k : want.keySet()) {
            float d = want.get(k).toType(DataType.FLOAT32, false).sub(got.get(k).toType(DataType.FLOAT32, false))
                    .abs().max().getFloat();
            assertTrue(d <= 1e-3f, k + " differs by " + d);
        }
    }

}
