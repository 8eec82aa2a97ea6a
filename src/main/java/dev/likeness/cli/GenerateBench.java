package dev.likeness.cli;

import dev.likeness.pipeline.CancelSignal;
import dev.likeness.pipeline.GenerationRequest;
import dev.likeness.pipeline.ProgressListener;
import dev.likeness.pipeline.SdModel;
import dev.likeness.pipeline.StableDiffusion;
import dev.likeness.util.Json;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code bench generate}: txt2img as {@code generate} runs it (guided, the given sampler), milliseconds per image
 * after the model is loaded, the load, and the whole process from JVM start to the first image. JSON out.
 */
@Command(name = "generate", description = "Times txt2img images after load, the load, and the process from start to the"
        + " first image, as JSON.")
final class GenerateBench implements Callable<Integer> {
    @Mixin
    ModelOptions model;

    @Option(names = "--size", description = "Image size in pixels (default: the model's native size)")
    Integer size;

    @Option(names = "--steps", defaultValue = "20", description = "Sampling steps (default: ${DEFAULT-VALUE})")
    int steps;

    @Option(names = "--sampler", defaultValue = "ddim", description = "Sampler (default: ${DEFAULT-VALUE})")
    String sampler;

    @Option(names = "--guidance", defaultValue = "7.5", description = "Guidance scale (default: ${DEFAULT-VALUE})")
    float guidance;

    @Option(names = "--prompt", defaultValue = "a photo of a cat", description = "Prompt (default: ${DEFAULT-VALUE})")
    String prompt;

    @Option(names = "--runs", defaultValue = "5", description = "Timed images (default: ${DEFAULT-VALUE})")
    int runs;

    @Option(names = "--warmup", defaultValue = "2", description = "Untimed first images (default: ${DEFAULT-VALUE})")
    int warmup;

    @Override
    public Integer call() throws Exception {
        if (runs < 1 || warmup < 0 || steps < 1) {
            throw new IllegalArgumentException("--runs and --steps must be at least 1, --warmup at least 0");
        }
        long jvmStart = ManagementFactory.getRuntimeMXBean().getStartTime();
        long t0 = System.nanoTime();
        try (SdModel sd = model.load()) {
            double loadMs = (System.nanoTime() - t0) / 1e6;
            int px = size != null ? size : sd.info().nativeSize();
            if (px % sd.vaeScale() != 0 || px < sd.vaeScale()) {
                throw new IllegalArgumentException("--size must be a positive multiple of " + sd.vaeScale());
            }
            StableDiffusion pipeline = new StableDiffusion(sd);
            double[] ms = new double[runs];
            long firstImageSinceStart = -1;
            for (int i = 0; i < warmup + runs; i++) {
                GenerationRequest req = new GenerationRequest(prompt, "", 1 + i, steps, guidance, sampler, px, px, 1,
                        null, 0.8f, List.of());
                long s = System.nanoTime();
                pipeline.generate(req, ProgressListener.NONE, new CancelSignal());
                if (i == 0) {
                    firstImageSinceStart = System.currentTimeMillis() - jvmStart;
                }
                if (i >= warmup) {
                    ms[i - warmup] = (System.nanoTime() - s) / 1e6;
                }
            }
            double[] sorted = ms.clone();
            Arrays.sort(sorted);
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("model", sd.info().name());
            out.put("family", sd.info().family());
            out.put("size", px);
            out.put("steps", steps);
            out.put("sampler", sampler);
            out.put("guidance", guidance);
            out.put("timedRuns", runs);
            out.put("msPerImageMedian", Math.round(sorted[sorted.length / 2] * 10) / 10.0);
            out.put("msPerImageMin", Math.round(sorted[0] * 10) / 10.0);
            out.put("loadMs", Math.round(loadMs));
            out.put("processStartToFirstImageMs", firstImageSinceStart);
            out.put("peakRssMb", ProcessMemory.peakRssMb());
            out.put("cpuCores", Runtime.getRuntime().availableProcessors());
            out.put("ompThreads", System.getenv().getOrDefault("OMP_NUM_THREADS", "default"));
            System.out.println(Json.write(out));
        }
        return 0;
    }
}
