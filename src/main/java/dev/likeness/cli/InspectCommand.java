package dev.likeness.cli;

import dev.likeness.pipeline.ModelInfo;
import dev.likeness.pipeline.SdModel;
import dev.likeness.util.Json;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "inspect", description = "Print JSON about a model: format, family, prediction type, parameters per component.")
final class InspectCommand implements Callable<Integer> {
    @Mixin
    ModelOptions model;

    @Override
    public Integer call() throws Exception {
        try (SdModel m = model.load()) {
            ModelInfo info = m.info();
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("name", info.name());
            out.put("path", info.path());
            out.put("format", info.format());
            out.put("family", info.family());
            out.put("prediction_type", info.predictionType());
            out.put("scheduler", info.scheduler());
            out.put("demo", info.demo());
            out.put("parameters", info.parameterCounts());
            out.put("parameters_total", info.parameterCounts().values().stream().mapToLong(Long::longValue).sum());
            System.out.println(Json.write(out));
        }
        return 0;
    }
}
