package dev.likeness.cli;

import dev.likeness.engine.weights.CheckpointLoader;
import dev.likeness.engine.weights.CheckpointSummary;
import dev.likeness.engine.weights.LoadOptions;
import dev.likeness.server.models.ModelDirectory;
import dev.likeness.server.models.ModelEntry;
import dev.likeness.util.Json;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code likeness models list}: what is installed in the models folder. */
@Command(name = "models", description = "The models installed in the models folder ($LIKENESS_MODELS or models/).",
        subcommands = ModelsCommand.ListModels.class)
final class ModelsCommand {
    @Command(name = "list", description = "One JSON line per installed model: name, format, family, prediction type,"
            + " native size, size on disk, and the catalog name it was pulled as. Models that cannot be read are listed"
            + " with their error.")
    static final class ListModels implements Callable<Integer> {
        @Override
        public Integer call() throws IOException {
            for (ModelEntry e : ModelDirectory.scan(ModelLocator.modelsDir())) {
                Map<String, Object> out = new LinkedHashMap<>();
                out.put("name", e.name());
                out.put("format", e.format());
                out.put("bytes", e.sizeBytes());
                ModelLocator.catalogNameOf(e.path()).ifPresent(c -> out.put("catalog", c));
                try {
                    CheckpointSummary s = CheckpointLoader.describe(e.path(), LoadOptions.DEFAULT);
                    out.put("family", s.family().name().toLowerCase(Locale.ROOT));
                    out.put("prediction_type", s.predictionType());
                    out.put("native_size", s.nativeSize());
                    out.put("parameters_total", s.parameters().values().stream().mapToLong(Long::longValue).sum());
                } catch (IOException | RuntimeException ex) {
                    out.put("error", Main.describe(ex));
                }
                System.out.println(Json.write(out));
            }
            return 0;
        }
    }
}
