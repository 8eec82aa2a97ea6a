package dev.likeness.methods;

import ai.djl.ndarray.NDManager;
import dev.likeness.engine.nn.Linear;
import dev.likeness.methods.lora.LoraFiles;
import dev.likeness.methods.lora.LoraNetwork;
import dev.likeness.methods.lora.LoraTargets;
import dev.likeness.methods.lora.LoraWeights;
import dev.likeness.pipeline.SdModel;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/** Puts a LoRA file (ours, diffusers/peft or kohya/A1111) onto a loaded model as a request-scoped patch. */
public final class LoraConcepts {
    private LoraConcepts() {}

    /** @param key names the patch (re-applying the same key replaces it) */
    public static void apply(SdModel model, Path file, String key) throws IOException {
        Map<String, Linear> targets = LoraTargets.all(model.unet(), model.textEncoder());
        try (NDManager tmp = model.manager().newSubManager()) {
            LoraWeights weights = LoraFiles.read(file, targets.keySet(), tmp);
            LoraNetwork network;
            try {
                network = LoraNetwork.of(weights, targets, model.manager());
            } catch (IllegalArgumentException e) {
                throw new IOException(file.getFileName() + ": " + e.getMessage(), e);
            }
            network.attach();
            model.conceptPatches().put(key, network::close, on -> {
                if (on) {
                    network.attach();
                } else {
                    network.detach();
                }
            });
        }
    }
}
