package dev.likeness.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.likeness.methods.LoopSettings;
import dev.likeness.methods.MethodRegistry;
import dev.likeness.methods.MethodSettings;
import dev.likeness.methods.TrainingRequest;
import dev.likeness.methods.ConceptTrainer;
import dev.likeness.methods.palp.Palp;
import dev.likeness.methods.dreambooth.DreamBooth;
import dev.likeness.pipeline.CancelSignal;
import dev.likeness.pipeline.ProgressListener;
import dev.likeness.pipeline.SdModel;
import dev.likeness.train.ReferenceImage;
import dev.likeness.train.TrainingLoop;
import dev.likeness.train.TrainingMethod;
import dev.likeness.train.TrainingOptions;
import dev.likeness.util.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "bench", description = "Benchmarks that print JSON.", subcommands = {BenchCommand.Train.class, ServerBench.class, UnetBench.class, GenerateBench.class,
        QueueBenchCommand.class,
        PreviewBench.class})
final class BenchCommand {
    /**
     * The named set-ups {@code bench train --method} accepts: a registered method and its settings. Any other
     * method of the {@link MethodRegistry} runs with its defaults and the --option values, so a new method
     * benchmarks as soon as it is registered; a preset only names a common variant.
     */
    static final Map<String, Preset> PRESETS = Map.of(
            "ti", new Preset("textual-inversion", Map.of()),
            "dreambooth", new Preset("dreambooth", Map.of()),
            "dreambooth-lora", new Preset("dreambooth", Map.of("loraRank", 4)));

    record Preset(String method, Map<String, Object> options) {}

    @Command(name = "train", description = "Times training steps of one method (one method per process, so the "
            + "peak memory is that method's): median ms/step after warm-up and peak resident memory, as JSON.")
    static final class Train implements Callable<Integer> {
        @Mixin
        ModelOptions model;

        @Option(names = "--method", required = true,
                description = "ti, dreambooth, dreambooth-lora, or any method name 'train' accepts")
        String method;

        @Option(names = "--steps", defaultValue = "20", description = "Timed steps (default: ${DEFAULT-VALUE})")
        int steps;

        @Option(names = "--warmup", defaultValue = "3", description = "Untimed first steps (default: ${DEFAULT-VALUE})")
        int warmup;

        @Option(names = "--batch", defaultValue = "1", description = "Examples per step (default: ${DEFAULT-VALUE})")
        int batch;

        @Option(names = "--images", arity = "1..*", paramLabel = "FILE|DIR",
                description = "Reference images (default: two synthetic subject images)")
        List<Path> images;

        @Option(names = "--option", paramLabel = "KEY=VALUE", description = "A method option, e.g. lora-rank=8")
        List<String> options = new ArrayList<>();

        @Override
        public Integer call() throws Exception {
            Preset preset = PRESETS.containsKey(method) ? PRESETS.get(method)
                    : new Preset(MethodRegistry.standard().find(method).id(), Map.of());
            ObjectNode given = Json.MAPPER.valueToTree(preset.options());
            if (preset.method().equals(DreamBooth.METHOD)) { // class images are set-up, not steps: keep them cheap
                given.put("classImages", 4);
                given.put("classSteps", 2);
            }
            if (preset.method().equals(Palp.METHOD)) {
                given.put("targetPrompt", "a sketch of {} in paris");
            }
            for (String o : options) {
                int eq = o.indexOf('=');
                if (eq < 1) {
                    throw new IllegalArgumentException("--option takes KEY=VALUE, got '" + o + "'");
                }
                given.set(MethodSettings.jsonName(o.substring(0, eq)), MethodSettings.cliValue(o.substring(eq + 1)));
            }
            Path classDir = Files.createTempDirectory("likeness-bench-class");
            int total = warmup + steps;
            // one forward/backward per timed step: the bench measures passes, not the method's accumulation
            TrainingRequest req = MethodRegistry.standard().request(preset.method(), "bench", List.of(), List.of(),
                    null, "dog", new LoopSettings(total, null, batch, 1, null, null, null, null, 0), 0, 0, given,
                    classDir);
            TrainingOptions opts = req.options();
            Map<String, Object> extra = Json.MAPPER.convertValue(req.settings(), Map.class);
            try (SdModel sd = model.load()) {
                int size = sd.unet().config().sampleSize() * sd.vaeScale();
                List<ReferenceImage> refs = new ArrayList<>();
                if (images == null) {
                    refs.add(ReferenceImage.of(BenchImages.subject(size, 0), size));
                    refs.add(ReferenceImage.of(BenchImages.subject(size, 1), size));
                } else {
                    for (Path p : TrainCommand.expand(images)) {
                        refs.add(ReferenceImage.load(p, size));
                    }
                }
                long t0 = System.nanoTime();
                try (TrainingMethod tm = ConceptTrainer.create(sd, req, refs, ProgressListener.NONE, CancelSignal.none())) {
                    double setupMs = (System.nanoTime() - t0) / 1e6;
                    long[] stamps = new long[total + 1];
                    stamps[0] = System.nanoTime();
                    ProgressListener clock = (step, all, msg) -> stamps[step] = System.nanoTime();
                    new TrainingLoop(tm, opts).run(null, false, "bench", clock, CancelSignal.none());
                    double[] ms = new double[steps];
                    for (int i = 0; i < steps; i++) {
                        ms[i] = (stamps[warmup + i + 1] - stamps[warmup + i]) / 1e6;
                    }
                    System.out.println(Json.write(report(sd, preset, extra, tm, setupMs, ms)));
                }
            } finally {
                dev.likeness.util.FileTrees.deleteTree(classDir);
            }
            return 0;
        }

        private Map<String, Object> report(SdModel sd, Preset preset, Map<String, Object> extra, TrainingMethod tm,
                double setupMs, double[] ms) {
            double[] sorted = ms.clone();
            Arrays.sort(sorted);
            double median = sorted.length % 2 == 1 ? sorted[sorted.length / 2]
                    : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("method", method);
            out.put("personalizerMethod", preset.method());
            out.put("options", extra);
            out.put("model", sd.info().name());
            out.put("modelPath", sd.info().path());
            out.put("family", sd.info().family());
            out.put("resolution", sd.unet().config().sampleSize() * sd.vaeScale());
            out.put("batch", batch);
            out.put("warmupSteps", warmup);
            out.put("timedSteps", steps);
            out.put("msPerStepMedian", round(median));
            out.put("msPerStepMean", round(Arrays.stream(ms).average().orElse(0)));
            out.put("msPerStepMin", round(sorted[0]));
            out.put("msPerStepMax", round(sorted[sorted.length - 1]));
            out.put("setupMs", round(setupMs));
            out.put("trainableParameters", tm.trainables().values().stream().mapToLong(a -> a.size()).sum());
            out.put("peakRssMb", ProcessMemory.peakRssMb());
            out.put("device", ai.djl.engine.Engine.getInstance().defaultDevice().toString());
            out.put("cpuCores", Runtime.getRuntime().availableProcessors());
            out.put("ompNumThreads", System.getenv().getOrDefault("OMP_NUM_THREADS", ""));
            return out;
        }

        private static double round(double v) {
            return Math.round(v * 10) / 10.0;
        }

    }
}
