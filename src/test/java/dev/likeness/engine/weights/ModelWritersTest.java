package dev.likeness.engine.weights;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.fasterxml.jackson.databind.JsonNode;
import dev.likeness.testing.Golden;
import dev.likeness.util.Json;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Writing models back out: single-file (LDM names) and diffusers folders, each loading back to the same tensors. */
class ModelWritersTest {
    @TempDir
    Path tmp;

    private static void assertNoDifference(Set<String> expected, Set<String> actual) {
        Set<String> missing = new TreeSet<>(expected);
        missing.removeAll(actual);
        Set<String> extra = new TreeSet<>(actual);
        extra.removeAll(expected);
        assertTrue(missing.isEmpty() && extra.isEmpty(), "missing " + missing + ", extra " + extra);
    }

    private static void assertSameTensors(Map<String, NDArray> expected, Map<String, NDArray> actual, String what) {
        assertEquals(new TreeSet<>(expected.keySet()), new TreeSet<>(actual.keySet()), what + " names");
        expected.forEach((k, v) -> assertArrayEquals(v.toByteArray(), actual.get(k).toByteArray(), what + " " + k));
    }

    @ParameterizedTest
    @ValueSource(strings = {"sd1", "sd2"})
    void singleFileHasTheOriginalNamesAndLoadsBack(String family) throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            LoadedCheckpoint folder = CheckpointLoader.load(Golden.model(family), null, m, DataType.FLOAT32);
            Path file = tmp.resolve(family + ".safetensors");
            SingleFileWriter.write(file, folder.family(), folder.unetConfig().path("layers_per_block").asInt(),
                    folder.textConfig().path("num_hidden_layers").asInt(), folder.unet(), folder.vae(),
                    folder.textEncoder());
            try (SafetensorsFile ours = SafetensorsFile.open(file);
                    SafetensorsFile ref = SafetensorsFile.open(Golden.singleFile(family))) {
                // diffusers' converter numbers decoder levels as if there were always 4 (3 - i); LDM itself, and
                // this writer, count the levels there are. The real 4-level VAEs agree (see the test below).
                Map<String, String> refNames = new java.util.HashMap<>();
                int levels = folder.vaeConfig().path("block_out_channels").size();
                for (String k : ref.tensors().keySet()) {
                    java.util.regex.Matcher up = java.util.regex.Pattern
                            .compile("first_stage_model\\.decoder\\.up\\.(\\d+)\\.(.+)").matcher(k);
                    refNames.put(up.matches() ? "first_stage_model.decoder.up."
                            + (Integer.parseInt(up.group(1)) - (4 - levels)) + "." + up.group(2) : k, k);
                }
                assertNoDifference(refNames.keySet(), ours.tensors().keySet());
                for (Map.Entry<String, String> k : refNames.entrySet()) { // the reference file is float16
                    NDArray expected = ref.load(k.getValue(), m, DataType.FLOAT32);
                    NDArray actual = ours.load(k.getKey(), m, DataType.FLOAT32).toType(DataType.FLOAT16, false)
                            .toType(DataType.FLOAT32, false);
                    assertArrayEquals(expected.toByteArray(), actual.toByteArray(), k.getKey());
                }
            }
            LoadedCheckpoint back = CheckpointLoader.load(file, Golden.model(family), m, DataType.FLOAT32);
            assertEquals(folder.family(), back.family());
            assertSameTensors(folder.unet(), back.unet(), "unet");
            assertSameTensors(folder.vae(), back.vae(), "vae");
            assertSameTensors(folder.textEncoder(), back.textEncoder(), "text encoder");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sd1", "sd2"})
    void diffusersFolderLoadsBack(String family) throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            LoadedCheckpoint src = CheckpointLoader.load(Golden.model(family), null, m, DataType.FLOAT32);
            Path dir = tmp.resolve(family);
            DiffusersFolderWriter.write(dir, new DiffusersFolderWriter.Components(src.unetConfig(), src.vaeConfig(),
                    src.textConfig(), src.schedulerConfig(), src.tokenizerDir(), src.unet(), src.vae(),
                    src.textEncoder()));
            LoadedCheckpoint back = CheckpointLoader.load(dir, null, m, DataType.FLOAT32);
            assertEquals(src.family(), back.family());
            assertEquals(src.unetConfig(), back.unetConfig());
            assertEquals(src.schedulerConfig(), back.schedulerConfig());
            assertSameTensors(src.unet(), back.unet(), "unet");
            assertSameTensors(src.vae(), back.vae(), "vae");
            assertSameTensors(src.textEncoder(), back.textEncoder(), "text encoder");
        }
    }

    /** On the real SD 1.5 / 2.1 architectures (names only): every diffusers name maps to the original file's name. */
    @Test
    void realArchitecturesMapToTheirSingleFileNames() throws Exception {
        JsonNode real = Json.readTree(Golden.root().resolve("real-architectures.json"));
        for (String model : new String[] {"sd15", "sd21"}) {
            JsonNode r = real.path(model);
            Set<String> ours = new HashSet<>();
            ours.addAll(DiffusersToLdm.unetNames(names(r.path("unet")), 2).values());
            ours.addAll(DiffusersToLdm.vaeNames(names(r.path("vae"))).values());
            ModelFamily family = model.equals("sd15") ? ModelFamily.SD1 : ModelFamily.SD2;
            ours.addAll(DiffusersToLdm.textNames(names(r.path("text_encoder")), family).values());
            Set<String> original = new TreeSet<>();
            r.path("ldm_single_file").fieldNames().forEachRemaining(original::add);
            Set<String> missing = new TreeSet<>(ours);
            missing.removeAll(original);
            assertTrue(missing.isEmpty(), model + ": names not in the original file: " + missing);
            Set<String> extra = new TreeSet<>(original);
            extra.removeAll(ours);
            // what the original holds beyond the diffusers model: SD 2.x's last text block and CLIP head
            for (String e : extra) {
                assertTrue(family == ModelFamily.SD2 && (e.contains(".resblocks.23.") || e.endsWith("text_projection")
                        || e.endsWith("logit_scale")), model + ": unexpected name left over " + e);
            }
        }
    }

    private static Set<String> names(JsonNode component) {
        Set<String> out = new java.util.LinkedHashSet<>();
        component.path("shapes").fieldNames().forEachRemaining(out::add);
        return out;
    }
}
