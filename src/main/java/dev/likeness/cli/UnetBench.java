package dev.likeness.cli;

import dev.likeness.pipeline.SdModel;
import dev.likeness.util.Json;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code bench unet}: load time, peak memory and one UNet forward (the cost of one sampling step with guidance at
 * batch 2) for any model, including a real-architecture file with zero weights. JSON out.
 */
@Command(name = "unet", description = "Times model loading and single UNet forwards (batch, size), and reports the peak"
        + " resident memory, as JSON.")
final class UnetBench implements Callable<Integer> {
    @Mixin
    ModelOptions model;

    @Option(names = "--size", description = "Image size in pixels (default: the model's native size)")
    Integer size;

    @Option(names = "--batch", defaultValue = "2", description = "Batch rows: 2 is one guided step (default: ${DEFAULT-VALUE})")
    int batch;

    @Option(names = "--runs", defaultValue = "3", description = "Timed forwards (default: ${DEFAULT-VALUE})")
    int runs;

    @Option(names = "--warmup", defaultValue = "1", description = "Untimed first forwards (default: ${DEFAULT-VALUE})")
    int warmup;

    @Override
    public Integer call() throws Exception {
        if (runs < 1 || warmup < 0 || batch < 1) {
            throw new IllegalArgumentException("--runs and --batch must be at least 1, --warmup at least 0");
        }
        long t0 = System.nanoTime();
        try (SdModel sd = model.load()) {
            double loadSeconds = (System.nanoTime() - t0) / 1e9;
            long rssAfterLoad = ProcessMemory.peakRssMb();
            int px = size != null ? size : sd.info().nativeSize();
            if (px % sd.vaeScale() != 0 || px < sd.vaeScale()) {
                throw new IllegalArgumentException("--size must be a positive multiple of " + sd.vaeScale());
            }
            int latent = px / sd.vaeScale();
            double[] ms = UnetTimer.forwardMs(sd, batch, latent, warmup, runs);
            double[] sorted = ms.clone();
            Arrays.sort(sorted);
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("model", sd.info().name());
            out.put("family", sd.info().family());
            out.put("parameters", sd.info().parameterCounts());
            out.put("loadSeconds", Math.round(loadSeconds * 100) / 100.0);
            out.put("peakRssMbAfterLoad", rssAfterLoad);
            out.put("size", px);
            out.put("batch", batch);
            out.put("timedRuns", runs);
            out.put("unetMsMedian", Math.round(sorted[sorted.length / 2] * 10) / 10.0);
            out.put("unetMsMin", Math.round(sorted[0] * 10) / 10.0);
            out.put("peakRssMb", ProcessMemory.peakRssMb());
            out.put("cpuCores", Runtime.getRuntime().availableProcessors());
            out.put("ompThreads", System.getenv().getOrDefault("OMP_NUM_THREADS", "default"));
            System.out.println(Json.write(out));
        }
        return 0;
    }
}
