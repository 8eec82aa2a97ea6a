package dev.likeness.engine.weights;

import static dev.likeness.engine.weights.ShapeAssertions.assertConfigKeys;
import static dev.likeness.engine.weights.ShapeAssertions.fieldNames;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.likeness.testing.Golden;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The tiny golden models: the single file (fp16, original names) must give the same parameters as the diffusers
 * folder (fp32), for both families.
 */
class TinyCheckpointLoadingTest {
    @TempDir
    Path tmp;

    private NDManager manager;

    @BeforeEach
    void open() {
        manager = NDManager.newBaseManager();
    }

    @AfterEach
    void close() {
        manager.close();
    }

    private static ModelFamily family(String fam) {
        return fam.equals("sd1") ? ModelFamily.SD1 : ModelFamily.SD2;
    }

    /** Every parameter identical after casting both to fp16 (bit for bit). */
    private static void assertSameFp16(Map<String, NDArray> expected, Map<String, NDArray> actual, String what) {
        assertEquals(new TreeSet<>(expected.keySet()), new TreeSet<>(actual.keySet()), what);
        List<String> differing = new ArrayList<>();
        for (Map.Entry<String, NDArray> e : expected.entrySet()) {
            NDArray a = actual.get(e.getKey());
            NDArray x = e.getValue();
            assertArrayEquals(x.getShape().getShape(), a.getShape().getShape(), what + " " + e.getKey());
            assertEquals(DataType.FLOAT16, a.getDataType(), what + " " + e.getKey());
            if (!Arrays.equals(x.toByteArray(), a.toByteArray())) {
                differing.add(e.getKey() + " (max abs diff " + Golden.maxAbsDiff(a, x) + ")");
            }
        }
        if (!differing.isEmpty()) {
            fail(what + ": " + differing.size() + " parameters differ, e.g. " + differing.subList(0,
                    Math.min(5, differing.size())));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sd1", "sd2"})
    void singleFileWithConfigFolderGivesTheFolderModel(String fam) throws IOException {
        LoadedCheckpoint folder = CheckpointLoader.load(Golden.model(fam), null, manager, DataType.FLOAT16);
        LoadedCheckpoint single = CheckpointLoader.load(Golden.singleFile(fam), Golden.model(fam), manager,
                DataType.FLOAT16);
        assertEquals(ModelFormat.DIFFUSERS_FOLDER, folder.format());
        assertEquals(ModelFormat.SINGLE_FILE, single.format());
        assertEquals(family(fam), folder.family());
        assertEquals(family(fam), single.family());
        assertSameFp16(folder.unet(), single.unet(), fam + " unet");
        assertSameFp16(folder.vae(), single.vae(), fam + " vae");
        assertSameFp16(folder.textEncoder(), single.textEncoder(), fam + " text encoder");
        assertEquals(folder.unetConfig(), single.unetConfig());
        assertEquals(folder.vaeConfig(), single.vaeConfig());
        assertEquals(folder.textConfig(), single.textConfig());
        assertEquals(folder.schedulerConfig(), single.schedulerConfig());
        assertEquals(Golden.model(fam).resolve("tokenizer"), folder.tokenizerDir());
        assertEquals(Golden.model(fam).resolve("tokenizer"), single.tokenizerDir());
    }

    @ParameterizedTest
    @ValueSource(strings = {"sd1", "sd2"})
    void singleFileAloneInfersTheStructureOfTheFolderConfig(String fam) throws IOException {
        LoadedCheckpoint folder = CheckpointLoader.load(Golden.model(fam), null, manager, DataType.FLOAT16);
        LoadedCheckpoint single = CheckpointLoader.load(Golden.singleFile(fam), null, manager, DataType.FLOAT16);
        assertEquals(family(fam), single.family());
        assertNull(single.tokenizerDir());
        assertConfigKeys(folder.unetConfig(), single.unetConfig(), List.of("block_out_channels", "layers_per_block",
                "down_block_types", "up_block_types", "mid_block_type", "in_channels", "out_channels",
                "cross_attention_dim", "use_linear_projection", "transformer_layers_per_block", "upcast_attention",
                "conv_in_kernel", "conv_out_kernel", "norm_num_groups"), fam + " unet");
        assertConfigKeys(folder.vaeConfig(), single.vaeConfig(), List.of("block_out_channels", "layers_per_block",
                "down_block_types", "up_block_types", "in_channels", "out_channels", "latent_channels",
                "scaling_factor", "use_quant_conv", "use_post_quant_conv", "mid_block_add_attention"), fam + " vae");
        assertConfigKeys(folder.textConfig(), single.textConfig(), List.of("hidden_size", "intermediate_size",
                "num_hidden_layers", "vocab_size", "max_position_embeddings", "hidden_act", "layer_norm_eps",
                "bos_token_id", "eos_token_id", "pad_token_id"), fam + " text");
        // The tiny scheduler configs are the ones each family ships, so they come out whole.
        assertEquals(folder.schedulerConfig(), single.schedulerConfig());
        // Same key style as the diffusers / transformers files.
        assertEquals(fieldNames(folder.unetConfig()), fieldNames(single.unetConfig()));
        assertEquals(fieldNames(folder.vaeConfig()), fieldNames(single.vaeConfig()));
        assertEquals(fieldNames(folder.textConfig()), fieldNames(single.textConfig()));
        // Head counts do not show in shapes, so the parameters are the same whatever heads were inferred.
        assertSameFp16(folder.unet(), single.unet(), fam + " unet");
        assertSameFp16(folder.textEncoder(), single.textEncoder(), fam + " text encoder");
    }

    @ParameterizedTest
    @ValueSource(strings = {"sd1", "sd2"})
    void familyIsDetectedFromHeadersAndConfigs(String fam) throws IOException {
        assertEquals(family(fam), CheckpointLoader.detectFamily(Golden.model(fam)));
        assertEquals(family(fam), CheckpointLoader.detectFamily(Golden.singleFile(fam)));
    }

    @Test
    void float32LoadingGivesOwnedFloat32Arrays() throws IOException {
        LoadedCheckpoint single = CheckpointLoader.load(Golden.singleFile("sd1"), Golden.model("sd1"), manager,
                DataType.FLOAT32);
        LoadedCheckpoint folder = CheckpointLoader.load(Golden.model("sd1"), null, manager, DataType.FLOAT32);
        NDArray q = single.vae().get("encoder.mid_block.attentions.0.to_q.weight");
        assertEquals(DataType.FLOAT32, q.getDataType());
        assertEquals(2, q.getShape().dimension());
        // fp16 storage: within half a unit in the last place of fp16.
        for (String name : List.of("encoder.mid_block.attentions.0.to_q.weight",
                "decoder.up_blocks.0.resnets.0.conv1.weight")) {
            NDArray expected = folder.vae().get(name);
            float tol = expected.abs().max().getFloat() / 1024f;
            Golden.assertClose(single.vae().get(name), expected, tol, name);
        }
        NDArray before = q.duplicate();
        q.muli(2);
        Golden.assertClose(q, before.mul(2), 0, "in-place update of a loaded array");
    }

    /** A folder as published: fp16 variant files, and position_ids stored with the text encoder. */
    @Test
    void fp16VariantFilesAndPositionIdsAreAccepted() throws IOException {
        Path folder = copyFolder(Golden.model("sd2"), tmp.resolve("sd2-fp16"));
        Path unet = folder.resolve("unet");
        Files.move(unet.resolve("diffusion_pytorch_model.safetensors"),
                unet.resolve("diffusion_pytorch_model.fp16.safetensors"));
        Path textFile = folder.resolve("text_encoder/model.safetensors");
        Map<String, NDArray> text = new LinkedHashMap<>();
        try (SafetensorsFile f = SafetensorsFile.open(textFile)) {
            for (String name : f.tensors().keySet()) {
                text.put(name, f.load(name, manager, DataType.FLOAT16));
            }
        }
        text.put("text_model.embeddings.position_ids", manager.arange(77L).reshape(1, 77));
        Files.delete(textFile);
        SafetensorsWriter.write(folder.resolve("text_encoder/model.fp16.safetensors"), text, Map.of("format", "pt"));

        LoadedCheckpoint variant = CheckpointLoader.load(folder, null, manager, DataType.FLOAT16);
        LoadedCheckpoint original = CheckpointLoader.load(Golden.model("sd2"), null, manager, DataType.FLOAT16);
        assertSameFp16(original.unet(), variant.unet(), "fp16 unet");
        assertSameFp16(original.textEncoder(), variant.textEncoder(), "fp16 text encoder");
    }

    /**
     * An SD 2.x file as Stability publishes them: the whole OpenCLIP tower (one block more than diffusers uses,
     * plus text_projection and logit_scale), the LDM schedule buffers and EMA leftovers.
     */
    @Test
    void publishedSd2ExtrasAreIgnoredAndTheExtraBlockDropped() throws IOException {
        Map<String, NDArray> tensors = new LinkedHashMap<>();
        try (SafetensorsFile f = SafetensorsFile.open(Golden.singleFile("sd2"))) {
            for (String name : f.tensors().keySet()) {
                tensors.put(name, f.load(name, manager, DataType.FLOAT16));
            }
        }
        String last = "cond_stage_model.model.transformer.resblocks.2.";
        new ArrayList<>(tensors.keySet()).stream().filter(n -> n.startsWith(last)).forEach(n -> tensors.put(
                "cond_stage_model.model.transformer.resblocks.3." + n.substring(last.length()),
                tensors.get(n).add(1)));
        tensors.put("cond_stage_model.model.text_projection", manager.ones(new Shape(32, 32)));
        tensors.put("cond_stage_model.model.logit_scale", manager.create(4.6f));
        tensors.put("betas", manager.linspace(0.00085f, 0.012f, 1000));
        tensors.put("alphas_cumprod", manager.linspace(1f, 0.01f, 1000));
        tensors.put("model_ema.decay", manager.create(0.9999f));
        tensors.put("model_ema.num_updates", manager.create(1000));
        Path file = tmp.resolve("v2-published.safetensors");
        SafetensorsWriter.write(file, tensors, Map.of());

        LoadedCheckpoint folder = CheckpointLoader.load(Golden.model("sd2"), null, manager, DataType.FLOAT16);
        for (Path config : new Path[] {null, Golden.model("sd2")}) {
            LoadedCheckpoint single = CheckpointLoader.load(file, config, manager, DataType.FLOAT16);
            assertEquals(3, single.textConfig().get("num_hidden_layers").asInt());
            assertSameFp16(folder.textEncoder(), single.textEncoder(), "text encoder, config " + config);
            assertSameFp16(folder.unet(), single.unet(), "unet, config " + config);
        }
    }

    @Test
    void loadingReleasesTheFilesAndAllocatesOnlyTheParameters() throws IOException {
        try (NDManager scoped = NDManager.newBaseManager()) {
            LoadedCheckpoint single = CheckpointLoader.load(Golden.singleFile("sd2"), null, scoped, DataType.FLOAT16);
            int params = single.unet().size() + single.vae().size() + single.textEncoder().size();
            assertEquals(params, scoped.getManagedArrays().size(), "only the returned arrays stay allocated");
        }
        Path copy = Files.copy(Golden.singleFile("sd1"), tmp.resolve("copy.safetensors"));
        CheckpointLoader.load(copy, null, manager, DataType.FLOAT16);
        Files.delete(copy); // nothing holds the file open
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            long open = fds.filter(p -> {
                try {
                    return Files.readSymbolicLink(p).toString().contains("copy.safetensors");
                } catch (IOException e) {
                    return false;
                }
            }).count();
            assertEquals(0, open, "file descriptors left open on the checkpoint");
        }
    }

    private static Path copyFolder(Path from, Path to) throws IOException {
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path p : (Iterable<Path>) walk::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                    target.toFile().setWritable(true);
                }
            }
        }
        return to;
    }
}
