package dev.likeness.server.jobs;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.likeness.pipeline.ModelInfo;
import dev.likeness.server.api.ApiException;
import dev.likeness.server.models.ActiveModel;
import dev.likeness.server.models.ModelEntry;
import dev.likeness.server.models.ModelProvider;
import dev.likeness.server.security.SafeName;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Switches the served model. Runs as a job so that it waits for the job in progress and never swaps the model
 * under it. Spec: {@code {"model": "<name in the models folder>" | "demo"}}.
 */
public final class LoadModelRunner implements JobRunner {
    public static final String DEMO = "demo";
    private final ActiveModel model;
    private final ModelProvider provider;
    private final Path modelsDir;

    public LoadModelRunner(ActiveModel model, ModelProvider provider, Path modelsDir) {
        this.model = model;
        this.provider = provider;
        this.modelsDir = modelsDir;
    }

    @Override
    public ObjectNode prepare(ObjectNode spec) {
        String name = new SpecReader(spec).requiredString("model", 128);
        if (!name.equals(DEMO)) {
            resolve(name);
        }
        return spec;
    }

    @Override
    public void run(JobContext ctx) throws IOException {
        String name = ctx.spec().get("model").asText();
        ctx.progress().onProgress(0, 1, "loading " + name);
        ModelInfo info = model.switchTo(name.equals(DEMO) ? null : resolve(name));
        ctx.progress().onProgress(1, 1, "loaded " + name);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("model", info);
        ctx.results().setOutput(out);
    }

    private Path resolve(String rawName) {
        String name = SafeName.model("model", rawName);
        try {
            for (ModelEntry e : provider.list(modelsDir)) {
                if (e.name().equals(name)) {
                    return e.path();
                }
            }
        } catch (IOException e) {
            throw new ApiException(500, "STORAGE_ERROR", "the models folder could not be read");
        }
        throw new ApiException(404, "NOT_FOUND", "model '" + name + "' is not in the models folder", "model");
    }
}
