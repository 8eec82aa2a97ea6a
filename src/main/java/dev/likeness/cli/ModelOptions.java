package dev.likeness.cli;

import dev.likeness.engine.weights.LoadOptions;
import dev.likeness.pipeline.SdModel;
import dev.likeness.pipeline.SdModelLoader;
import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The options shared by every command that loads a model: which model, and how to read a single file. */
public final class ModelOptions {
    @Option(names = "--model", paramLabel = "PATH",
            description = "Diffusers folder, single-file .safetensors, a name under models/ or a pulled catalog name"
                    + " such as sd15 (default: the built-in demo model)")
    String model;

    @Option(names = "--config", paramLabel = "DIR",
            description = "For a single-file checkpoint: a diffusers folder whose configs and tokenizer override the"
                    + " built-in family preset")
    Path config;

    @Option(names = "--prediction-type", paramLabel = "TYPE",
            description = "epsilon or v_prediction, overriding what the model says or the rules decide (SD 2.x"
                    + " single files: 768-v models are v_prediction, 512-base models epsilon)")
    String predictionType;

    @Option(names = "--ema", description = "For a single file that holds both: use the EMA UNet weights (model_ema.*)")
    boolean ema;

    @Option(names = "--vae", paramLabel = "FILE|DIR",
            description = "Use this VAE instead of the model's own (a .safetensors VAE, e.g. ft-MSE, or a diffusers"
                    + " VAE folder)")
    Path vae;

    public Path path() throws IOException {
        return ModelLocator.resolve(model);
    }

    public LoadOptions options() {
        try {
            return new LoadOptions(config, predictionType, ema, vae);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--prediction-type: " + e.getMessage());
        }
    }

    /** Loads the model and tells the user, on stderr, what the loader noted (ignored tensors, another VAE). */
    public SdModel load() throws IOException {
        SdModel m = SdModelLoader.loadWith(path(), options());
        m.info().notes().forEach(n -> System.err.println("likeness: note: " + n));
        return m;
    }
}
