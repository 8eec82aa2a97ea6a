package dev.likeness.cli;

import dev.likeness.engine.weights.CheckpointLoader;
import dev.likeness.engine.weights.CheckpointSummary;
import dev.likeness.pipeline.DemoModel;
import dev.likeness.pipeline.SdModel;
import dev.likeness.util.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "inspect",
        description = {"Print JSON about a model from its headers and configs: format, family, prediction type and the"
                + " rule that decided it, native size, parameters per component.",
                "--load also loads it and reports the load time and the peak resident memory."})
final class InspectCommand implements Callable<Integer> {
    @Mixin
    ModelOptions model;

    @Option(names = "--load", description = "Load the weights too (checks every tensor binds) and measure the load")
    boolean load;

    @Override
    public Integer call() throws Exception {
        Path path = model.path();
        CheckpointSummary s = CheckpointLoader.describe(path, model.options());
        Map<String, Object> out = new LinkedHashMap<>();
        boolean demo = Files.isRegularFile(path.resolve(DemoModel.MARKER));
        out.put("name", demo ? "likeness-demo (random weights, for trying the tools only)" : path.getFileName().toString());
        out.put("path", path.toAbsolutePath().toString());
        out.put("format", s.format().name().toLowerCase(Locale.ROOT));
        out.put("family", s.family().name().toLowerCase(Locale.ROOT));
        out.put("prediction_type", s.predictionType());
        out.put("prediction_type_rule", s.predictionRule());
        out.put("scheduler", s.scheduler());
        out.put("native_size", s.nativeSize());
        out.put("tokenizer", s.builtInTokenizer() ? "built-in CLIP BPE" : "the model's own");
        out.put("stored_types", s.storedTypes());
        out.put("bytes", s.bytes());
        out.put("demo", demo);
        out.put("parameters", s.parameters());
        out.put("parameters_total", s.parameters().values().stream().mapToLong(Long::longValue).sum());
        if (!s.notes().isEmpty()) {
            out.put("notes", s.notes());
        }
        if (load) {
            long start = System.nanoTime();
            try (SdModel m = model.load()) {
                Map<String, Object> loaded = new LinkedHashMap<>();
                loaded.put("seconds", Math.round((System.nanoTime() - start) / 1e7) / 100.0);
                loaded.put("peak_rss_mb", ProcessMemory.peakRssMb());
                loaded.put("weights_fp32_mb", m.info().parameterCounts().values().stream().mapToLong(Long::longValue)
                        .sum() * 4 / (1024 * 1024));
                out.put("load", loaded);
            }
        }
        System.out.println(Json.write(out));
        return 0;
    }
}
