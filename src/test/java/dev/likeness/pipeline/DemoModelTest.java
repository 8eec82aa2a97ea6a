package dev.likeness.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The built-in demo model: generated once, labelled, loadable, and its common words are single tokens. */
class DemoModelTest {
    @TempDir
    Path tmp;

    @Test
    void generatesALabelledModelThatLoadsAndGenerates() throws Exception {
        Path dir = DemoModel.ensure(tmp);
        assertTrue(Files.readString(dir.resolve(DemoModel.MARKER)).contains("random weights"));
        long stamp = Files.getLastModifiedTime(dir.resolve("unet/diffusion_pytorch_model.safetensors")).toMillis();
        assertEquals(dir, DemoModel.ensure(tmp), "second call reuses the folder");
        assertEquals(stamp, Files.getLastModifiedTime(dir.resolve("unet/diffusion_pytorch_model.safetensors")).toMillis());
        try (SdModel model = SdModelLoader.load(dir, null)) {
            assertTrue(model.info().demo() && model.info().name().contains("random weights"), model.info().name());
            for (String word : DemoModel.WORDS) {
                assertEquals(1, model.tokenizer().tokenizeWord(word).size(), word + " is one token");
            }
            List<GeneratedImage> out = new StableDiffusion(model).generate(
                    new GenerationRequest("a photo of a dog", "", 1, 3, 7.5f, null, 64, 64, 1, null, 0.8f, List.of()),
                    ProgressListener.NONE, CancelSignal.none());
            assertEquals(64, out.get(0).image().getWidth());
        }
    }
}
