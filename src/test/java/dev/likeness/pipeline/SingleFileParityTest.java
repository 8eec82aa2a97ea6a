package dev.likeness.pipeline;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.likeness.engine.weights.CheckpointLoader;
import dev.likeness.engine.weights.LoadedCheckpoint;
import dev.likeness.testing.Golden;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The single-file checkpoints hold the folder's weights in fp16 under LDM names. Loaded through the single-file path,
 * they must generate the same image as the folder's weights cast to fp16, within 3/255.
 */
class SingleFileParityTest {
    @ParameterizedTest
    @ValueSource(strings = {"sd1", "sd2"})
    void singleFileGeneratesTheFoldersImage(String family) throws Exception {
        GenerationRequest req = new GenerationRequest("a photo of a cat", "", 42, 10, 7.5f, "euler", 64, 64, 1, null,
                0.8f, List.of());
        NDManager folderManager = NDManager.newBaseManager();
        LoadedCheckpoint ck = CheckpointLoader.load(Golden.model(family), null, folderManager, DataType.FLOAT32);
        LoadedCheckpoint rounded = new LoadedCheckpoint(ck.format(), ck.family(), ck.path(), ck.unetConfig(),
                ck.vaeConfig(), ck.textConfig(), ck.schedulerConfig(), ck.tokenizerDir(), viaHalf(ck.unet()),
                viaHalf(ck.vae()), viaHalf(ck.textEncoder()));
        try (SdModel folder = SdModelLoader.build(rounded, Golden.model(family), folderManager, DataType.FLOAT32);
                SdModel single = SdModelLoader.load(Golden.singleFile(family), Golden.model(family));
                NDManager m = NDManager.newBaseManager()) {
            NDArray a = image(folder, req, m);
            NDArray b = image(single, req, m);
            int diff = (int) a.mul(255f).round().sub(b.mul(255f).round()).abs().max().getFloat();
            System.out.println(family + " single-file vs folder (fp16 weights) max pixel diff: " + diff);
            assertTrue(diff <= 3, family + ": single-file image differs by " + diff + "/255");
            assertTrue(single.info().format().contains("single"), single.info().format());
        }
    }

    private static Map<String, NDArray> viaHalf(Map<String, NDArray> tensors) {
        Map<String, NDArray> out = new LinkedHashMap<>();
        tensors.forEach((k, v) -> out.put(k, v.getDataType() == DataType.FLOAT32
                ? v.toType(DataType.FLOAT16, false).toType(DataType.FLOAT32, false) : v));
        return out;
    }

    private static NDArray image(SdModel model, GenerationRequest req, NDManager m) {
        StableDiffusion sd = new StableDiffusion(model);
        return sd.sample(req, req.sampler(), sd.conditioning(req, m), req.seed(), null, null, m,
                StableDiffusion.Progress.of(ProgressListener.NONE), CancelSignal.none());
    }
}
