package dev.likeness.cli;

import dev.likeness.pipeline.DemoModel;
import dev.likeness.pipeline.ImageGenerator;
import dev.likeness.pipeline.SdModelLoader;
import dev.likeness.pipeline.StableDiffusion;
import dev.likeness.server.EngineBinding;
import dev.likeness.server.models.ModelProvider;
import java.nio.file.Path;

/** The engine as the server sees it: models load from disk (the demo model when none is given). */
public final class LocalEngine implements EngineBinding {
    @Override
    public ModelProvider models() {
        return (Path model) -> {
            Path path = model != null ? model : DemoModel.ensure(ModelLocator.modelsDir());
            ImageGenerator generator = new StableDiffusion(SdModelLoader.load(path, null));
            return generator;
        };
    }
}
