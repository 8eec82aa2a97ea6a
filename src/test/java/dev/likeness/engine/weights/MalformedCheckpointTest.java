package dev.likeness.engine.weights;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.likeness.testing.Golden;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Inputs that are not usable checkpoints give one-line WeightsFormatExceptions that say what is wrong. */
class MalformedCheckpointTest {
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

    /** Loading must fail with a one-line message containing every fragment, and leave nothing allocated. */
    private String refused(Path path, Path configDir, String... fragments) {
        WeightsFormatException e = assertThrows(WeightsFormatException.class,
                () -> CheckpointLoader.load(path, configDir, manager, DataType.FLOAT32));
        String message = e.getMessage();
        assertFalse(message.contains("\n"), "one line: " + message);
        for (String fragment : fragments) {
            assertTrue(message.contains(fragment), "'" + message + "' should mention '" + fragment + "'");
        }
        assertEquals(0, manager.getManagedArrays().size(), "arrays left allocated after a failed load");
        return message;
    }

    @Test
    void folderWithoutModelIndex() throws IOException {
        Path dir = copyFolder(Golden.model("sd1"), tmp.resolve("no-index"));
        Files.delete(dir.resolve("model_index.json"));
        refused(dir, null, "no-index: not a diffusers folder (no model_index.json)");
        assertThrows(WeightsFormatException.class, () -> CheckpointLoader.detectFamily(dir));
    }

    @Test
    void folderWithPickledWeights() throws IOException {
        Path dir = copyFolder(Golden.model("sd1"), tmp.resolve("old"));
        Path unet = dir.resolve("unet");
        Files.delete(unet.resolve("diffusion_pytorch_model.safetensors"));
        Files.write(unet.resolve("diffusion_pytorch_model.bin"), new byte[] {(byte) 0x80, 2, 'c', 'o', 's'});
        refused(dir, null, "diffusion_pytorch_model.bin", "pickle", "can run arbitrary code", "safetensors");
    }

    @Test
    void pickledSingleFiles() throws IOException {
        for (String name : new String[] {"v1-5-pruned.ckpt", "model.pt", "pytorch_model.bin"}) {
            Path file = Files.write(tmp.resolve(name), new byte[] {(byte) 0x80, 2});
            refused(file, null, name, "pickle", "safetensors");
            assertThrows(WeightsFormatException.class, () -> CheckpointLoader.detectFamily(file));
        }
    }

    @Test
    void safetensorsWithoutStableDiffusionTensors() throws IOException {
        Path file = tmp.resolve("model.safetensors");
        SafetensorsWriter.write(file, Map.of("classifier.weight", manager.ones(new Shape(10, 4)),
                "classifier.bias", manager.zeros(new Shape(10))), Map.of());
        closeAll(Map.of());
        refused(file, null, "model.safetensors: not a Stable Diffusion checkpoint (no UNet weights found)");
        assertThrows(WeightsFormatException.class, () -> CheckpointLoader.detectFamily(file));
    }

    @Test
    void oneComponentOfADiffusersFolderGivenAsAFile() {
        String message = refused(Golden.model("sd1").resolve("unet/diffusion_pytorch_model.safetensors"), null,
                "no UNet weights found", "diffusers folder");
        assertTrue(message.startsWith("diffusion_pytorch_model.safetensors: "), message);
    }

    @Test
    void truncatedFile() throws IOException {
        byte[] whole = Files.readAllBytes(Golden.singleFile("sd1"));
        Path file = Files.write(tmp.resolve("half.safetensors"), Arrays.copyOf(whole, whole.length / 2));
        refused(file, null, "half.safetensors: ", "outside the data section");
        Path headerOnly = Files.write(tmp.resolve("cut.safetensors"), Arrays.copyOf(whole, 100));
        refused(headerOnly, null, "cut.safetensors: not a safetensors file");
    }

    @Test
    void missingPath() {
        refused(tmp.resolve("nothing.safetensors"), null, "no such file or folder", "nothing.safetensors");
    }

    @Test
    void singleFileMissingATensor() throws IOException {
        Map<String, NDArray> tensors = readAll(Golden.singleFile("sd1"));
        tensors.remove("model.diffusion_model.middle_block.1.proj_out.weight");
        Path file = tmp.resolve("partial.safetensors");
        SafetensorsWriter.write(file, tensors, Map.of());
        closeAll(tensors);
        refused(file, null, "partial.safetensors: UNet parameter 'mid_block.attentions.0.proj_out.weight' is missing");
        refused(file, Golden.model("sd1"), "UNet parameter 'mid_block.attentions.0.proj_out.weight' is missing",
                "model/unet/config.json");
    }

    @Test
    void integerTensorInAParameterSlot() throws IOException {
        Map<String, NDArray> tensors = readAll(Golden.singleFile("sd1"));
        String name = "first_stage_model.decoder.conv_out.bias";
        tensors.put(name, tensors.get(name).toType(DataType.INT32, false));
        Path file = tmp.resolve("ints.safetensors");
        SafetensorsWriter.write(file, tensors, Map.of());
        closeAll(tensors);
        refused(file, null, "ints.safetensors: tensor '" + name + "' is stored as I32");
    }

    @Test
    void singleFileWithoutVaeOrTextEncoder() throws IOException {
        Map<String, NDArray> tensors = readAll(Golden.singleFile("sd1"));
        Map<String, NDArray> noVae = new LinkedHashMap<>(tensors);
        noVae.keySet().removeIf(n -> n.startsWith("first_stage_model."));
        SafetensorsWriter.write(tmp.resolve("no-vae.safetensors"), noVae, Map.of());
        Map<String, NDArray> noText = new LinkedHashMap<>(tensors);
        noText.keySet().removeIf(n -> n.startsWith("cond_stage_model."));
        SafetensorsWriter.write(tmp.resolve("no-text.safetensors"), noText, Map.of());
        closeAll(tensors);
        refused(tmp.resolve("no-vae.safetensors"), null, "no-vae.safetensors: no VAE weights (first_stage_model.*)");
        refused(tmp.resolve("no-text.safetensors"), null, "no-text.safetensors: no text encoder weights");
    }

    @Test
    void configFolderOfAnotherModel() {
        refused(Golden.singleFile("sd1"), Golden.model("sd2"), "sd1-tiny-single-file.safetensors: ", "parameter '",
                "model/");
        refused(Golden.singleFile("sd1"), tmp, "not a diffusers config folder");
        refused(Golden.singleFile("sd1"), tmp.resolve("absent"), "config folder not found");
    }

    @Test
    void folderWhoseWeightsDoNotFitItsConfig() throws IOException {
        Path dir = copyFolder(Golden.model("sd1"), tmp.resolve("bent"));
        Path config = dir.resolve("unet/config.json");
        String json = Files.readString(config)
                .replaceFirst("\"block_out_channels\": \\[\\s*32,", "\"block_out_channels\": [48,");
        Files.writeString(config, json);
        refused(dir, null, "bent/unet/diffusion_pytorch_model.safetensors: UNet parameter 'conv_in.weight' has shape "
                + "[32, 4, 3, 3] but unet/config.json calls for [48, 4, 3, 3]");

        Files.writeString(config, "{\"block_out_channels\": ");
        refused(dir, null, "unet/config.json", "not valid JSON");

        Files.writeString(config, Files.readString(Golden.model("sd1").resolve("unet/config.json"))
                .replace("\"positional\"", "\"fourier\""));
        refused(dir, null, "time_embedding_type", "not supported");
    }

    @Test
    void folderWithAnExtraTensor() throws IOException {
        Path dir = copyFolder(Golden.model("sd1"), tmp.resolve("extra"));
        Path vaeFile = dir.resolve("vae/diffusion_pytorch_model.safetensors");
        Map<String, NDArray> tensors = readAll(vaeFile);
        tensors.put("encoder.mid_block.attentions.0.rel_pos.weight", manager.ones(new Shape(4)));
        Files.delete(vaeFile);
        SafetensorsWriter.write(vaeFile, tensors, Map.of());
        closeAll(tensors);
        refused(dir, null, "unexpected VAE parameter 'encoder.mid_block.attentions.0.rel_pos.weight'");
    }

    @Test
    void sdxlIsNamedAsUnsupported() throws IOException {
        Path file = tmp.resolve("sdxl.safetensors");
        SafetensorsWriter.write(file, Map.of("model.diffusion_model.input_blocks.0.0.weight",
                manager.ones(new Shape(4, 4, 3, 3)), "conditioner.embedders.0.transformer.text_model.x",
                manager.ones(new Shape(1))), Map.of());
        closeAll(Map.of());
        refused(file, null, "SDXL");
    }

    @Test
    void bfloat16IsNeverAskedOf() {
        assertThrows(IllegalArgumentException.class,
                () -> CheckpointLoader.load(Golden.singleFile("sd1"), null, manager, DataType.BFLOAT16));
    }

    private Map<String, NDArray> readAll(Path file) throws IOException {
        Map<String, NDArray> tensors = new LinkedHashMap<>();
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            for (String name : f.tensors().keySet()) {
                tensors.put(name, f.load(name, manager, DataType.FLOAT16));
            }
        }
        return tensors;
    }

    /** Test inputs are freed so that the "nothing left allocated" check only sees the loader's arrays. */
    private void closeAll(Map<String, NDArray> tensors) {
        tensors.values().forEach(NDArray::close);
        manager.getManagedArrays().forEach(NDArray::close);
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
