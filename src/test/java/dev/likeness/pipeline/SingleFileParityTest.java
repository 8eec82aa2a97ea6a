package dev.likeness.pipeline;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.likeness.testing.Golden;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A single-file checkpoint (fp16, LDM names) generates the folder's image within 3/255. */
class SingleFileParityTest {
    @ParameterizedTest
    @ValueSource(strings = {"sd1", "sd2"})
    void singleFileGeneratesTheSameImage(String family) throws Exception {
        GenerationRequest req = new GenerationRequest("a photo of a cat", "", 42, 10, 7.5f, "ddim", 64, 64, 1, null,
                0.8f, List.of());
        try (SdModel folder = SdModelLoader.load(Golden.model(family), null);
                SdModel single = SdModelLoader.load(Golden.singleFile(family), Golden.model(family));
                NDManager m = NDManager.newBaseManager()) {
            NDArray a = image(folder, req, m);
            NDArray b = image(single, req, m);
            int diff = (int) a.mul(255f).round().sub(b.mul(255f).round()).abs().max().getFloat();
            System.out.println(family + " single-file vs folder max pixel diff: " + diff);
            assertTrue(diff <= 3, family + ": single-file image differs by " + diff + "/255");
            assertTrue(single.info().format().contains("single"), single.info().format());
        }
    }

    private static NDArray image(SdModel model, GenerationRequest req, NDManager m) {
        StableDiffusion sd = new StableDiffusion(model);
        return sd.sample(req, "ddim", sd.conditioning(req, m), req.seed(), null, null, m,
                StableDiffusion.Progress.of(ProgressListener.NONE), CancelSignal.none());
    }
}
