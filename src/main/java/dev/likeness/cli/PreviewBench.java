package dev.likeness.cli;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.likeness.engine.rng.TorchGenerator;
import dev.likeness.engine.sched.Scheduler;
import dev.likeness.engine.sched.SchedulerConfig;
import dev.likeness.engine.sched.Schedulers;
import dev.likeness.pipeline.SdModel;
import dev.likeness.pipeline.preview.LatentRgbFit;
import dev.likeness.pipeline.preview.LivePreview;
import dev.likeness.pipeline.preview.PreviewFrame;
import dev.likeness.pipeline.preview.PreviewThrottle;
import dev.likeness.pipeline.preview.X0Prediction;
import dev.likeness.util.Json;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code bench preview}: what one live preview costs (x̂₀, the latent→RGB map, scaling to ≤256 px and the PNG) next
 * to what one guided sampling step costs (a UNet forward at batch 2), in one run on one model, as a ratio; and the
 * one-off cost of fitting the model's map. JSON out.
 */
@Command(name = "preview", description = "Times one live preview against one guided sampling step (UNet forward at "
        + "batch 2) at a size, and the one-off latent-to-RGB fit, as JSON.")
final class PreviewBench implements Callable<Integer> {
    @Mixin
    ModelOptions model;

    @Option(names = "--size", description = "Image size in pixels (default: the model's native size)")
    Integer size;

    @Option(names = "--steps", defaultValue = "3", description = "Timed UNet forwards (default: ${DEFAULT-VALUE})")
    int steps;

    @Option(names = "--previews", defaultValue = "20", description = "Timed previews (default: ${DEFAULT-VALUE})")
    int previews;

    @Override
    public Integer call() throws Exception {
        if (steps < 1 || previews < 1) {
            throw new IllegalArgumentException("--steps and --previews must be at least 1");
        }
        try (SdModel sd = model.load()) {
            int px = size != null ? size : sd.info().nativeSize();
            if (px % sd.vaeScale() != 0 || px < sd.vaeScale()) {
                throw new IllegalArgumentException("--size must be a positive multiple of " + sd.vaeScale());
            }
            int latent = px / sd.vaeScale();
            long f0 = System.nanoTime();
            LatentRgbFit.Result fit = LatentRgbFit.fit(sd, LatentRgbFit.Settings.DEFAULT);
            double fitSeconds = (System.nanoTime() - f0) / 1e9;
            SchedulerConfig config = SchedulerConfig.parse(sd.schedulerConfig());
            Scheduler sched = Schedulers.create("euler", config, 30);
            int[] out = LivePreview.size(px, px, LivePreview.MAX_SIDE);
            List<PreviewFrame> frames = new ArrayList<>();
            LivePreview preview = new LivePreview(X0Prediction.of(config), fit.map(),
                    new PreviewThrottle(0, System::nanoTime), frames::add, 0, out[0], out[1]);
            double[] stepMs = UnetTimer.forwardMs(sd, 2, latent, 1, steps);
            double[] previewMs = new double[previews];
            try (NDManager m = NDManager.newBaseManager()) {
                TorchGenerator rng = new TorchGenerator(1);
                Shape one = new Shape(1, sd.unet().config().inChannels(), latent, latent);
                NDArray input = m.create(rng.randn(one.getShape()), one);
                NDArray output = m.create(rng.randn(one.getShape()), one);
                for (int i = -1; i < previews; i++) { // the first preview warms up, untimed
                    long s = System.nanoTime();
                    preview.show(15, 30, sched, 14, input, output);
                    if (i >= 0) {
                        previewMs[i] = (System.nanoTime() - s) / 1e6;
                    }
                }
            }
            double step = median(stepMs);
            double each = median(previewMs);
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("model", sd.info().name());
            json.put("family", sd.info().family());
            json.put("size", px);
            json.put("latent", latent);
            json.put("previewSize", out[0] + "x" + out[1]);
            json.put("previewPngBytes", frames.get(frames.size() - 1).png().length);
            json.put("stepMsMedian", round(step));
            json.put("previewMsMedian", round(each));
            json.put("previewMsMax", round(Arrays.stream(previewMs).max().orElse(0)));
            json.put("previewShareOfStep", Math.round(each / step * 10000) / 10000.0);
            json.put("fitSeconds", round(fitSeconds));
            json.put("fitRmse", fit.rmse());
            json.put("fitR2", fit.r2());
            json.put("cpuCores", Runtime.getRuntime().availableProcessors());
            json.put("ompThreads", System.getenv().getOrDefault("OMP_NUM_THREADS", "default"));
            System.out.println(Json.write(json));
        }
        return 0;
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    private static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }
}
