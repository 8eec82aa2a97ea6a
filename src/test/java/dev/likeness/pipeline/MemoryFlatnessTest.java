package dev.likeness.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.likeness.testing.Golden;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** 200 consecutive generations in one JVM must not grow native memory or leak NDArrays. */
class MemoryFlatnessTest {
    static long rssKb() throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new IllegalStateException("no VmRSS");
    }

    @Test
    void twoHundredGenerationsStayFlat() throws Exception {
        try (SdModel model = SdModelLoader.load(Golden.model("sd1"), null)) {
            StableDiffusion sd = new StableDiffusion(model);
            GenerationRequest req = new GenerationRequest("a photo of a cat", "blurry", 0, 3, 7.5f, "euler_a", 64, 64,
                    1, null, 0.8f, List.of());
            int warmup = 20;
            int runs = 200;
            long before = 0;
            int arraysBefore = 0;
            for (int i = 0; i < runs; i++) {
                if (i == warmup) {
                    System.gc();
                    before = rssKb();
                    arraysBefore = model.manager().getManagedArrays().size();
                }
                List<GeneratedImage> out = sd.generate(req.withSeed(i), ProgressListener.NONE, CancelSignal.none());
                assertEquals(1, out.size());
            }
            System.gc();
            long after = rssKb();
            int arraysAfter = model.manager().getManagedArrays().size();
            long growthMb = (after - before) / 1024;
            System.out.printf("RSS after %d warm-up generations: %d MB; after %d: %d MB (growth %d MB); arrays %d -> %d%n",
                    warmup, before / 1024, runs, after / 1024, growthMb, arraysBefore, arraysAfter);
            assertEquals(arraysBefore, arraysAfter, "NDArrays leaked into the model's manager");
            assertTrue(growthMb <= 48, "native memory grew by " + growthMb + " MB over " + (runs - warmup) + " generations");
        }
    }
}
