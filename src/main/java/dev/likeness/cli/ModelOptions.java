package dev.likeness.cli;

import dev.likeness.pipeline.SdModel;
import dev.likeness.pipeline.SdModelLoader;
import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The --model / --config options shared by every command that loads a model. */
public final class ModelOptions {
    @Option(names = "--model", paramLabel = "PATH",
            description = "Diffusers folder, single-file .safetensors, or a name under models/ (default: the built-in demo model)")
    String model;

    @Option(names = "--config", paramLabel = "DIR",
            description = "For a single-file checkpoint: a diffusers folder of the same family whose configs and tokenizer are used")
    Path config;

    public Path path() throws IOException {
        return ModelLocator.resolve(model);
    }

    public SdModel load() throws IOException {
        return SdModelLoader.load(path(), config);
    }
}
