package dev.likeness.server.support;

import dev.likeness.pipeline.ImageGenerator;
import dev.likeness.server.EngineBinding;
import dev.likeness.server.ServerServices;
import dev.likeness.server.concepts.ServerConcepts;
import dev.likeness.server.jobs.JobRunner;
import dev.likeness.server.models.ModelProvider;
import java.nio.file.Path;
import java.util.Map;

/** Engine binding for tests: {@link FakeGenerator} models and {@link CheckpointingRunner} as "personalize". */
public final class FakeEngine implements EngineBinding {
    private final long stepMillis;

    public FakeEngine(long stepMillis) {
        this.stepMillis = stepMillis;
    }

    @Override
    public ModelProvider models(ServerConcepts concepts) {
        return new ModelProvider() {
            @Override
            public ImageGenerator load(Path model) {
                return new FakeGenerator(model == null ? "demo" : model.getFileName().toString(), stepMillis);
            }
        };
    }

    @Override
    public Map<String, JobRunner> runners(ServerServices services) {
        return Map.of("personalize", new CheckpointingRunner());
    }
}
