package dev.likeness.cli;

import dev.likeness.methods.ConceptApplier;
import dev.likeness.pipeline.DemoModel;
import dev.likeness.pipeline.SdModelLoader;
import dev.likeness.pipeline.StableDiffusion;
import dev.likeness.server.EngineBinding;
import dev.likeness.server.ServerServices;
import dev.likeness.server.concepts.ServerConcepts;
import dev.likeness.server.jobs.JobKinds;
import dev.likeness.server.jobs.JobRunner;
import dev.likeness.server.jobs.LayoutRetouchRunner;
import dev.likeness.server.jobs.PersonalizeRunner;
import dev.likeness.server.jobs.RetouchRunner;
import dev.likeness.server.models.ModelProvider;
import java.nio.file.Path;
import java.util.Map;

/** The engine as the server sees it: models load from disk (the demo model when none is given), concepts apply by name. */
public final class LocalEngine implements EngineBinding {
    @Override
    public ModelProvider models(ServerConcepts concepts) {
        return (Path model) -> {
            Path path = model != null ? model : DemoModel.ensure(ModelLocator.modelsDir());
            return new StableDiffusion(SdModelLoader.load(path, null),
                    (m, name) -> ConceptApplier.apply(m, name, concepts.library()::directory));
        };
    }

    @Override
    public Map<String, JobRunner> runners(ServerServices services) {
        return Map.of("personalize", new PersonalizeRunner(services.model(), services.concepts()),
                JobKinds.RETOUCH, new RetouchRunner(services.model(), services.concepts(), services.config().limits()));
    }

    @Override
    public Map<String, JobRunner> generateModes(ServerServices services) {
        return Map.of(JobKinds.LAYOUT_RETOUCH, new LayoutRetouchRunner(services.model(), services.concepts(),
                services.config().limits()));
    }
}
