package dev.likeness.methods.dreambooth;

import ai.djl.ndarray.NDArray;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.likeness.methods.lora.LoraFiles;
import dev.likeness.methods.lora.LoraNetwork;
import dev.likeness.methods.lora.LoraTargets;
import dev.likeness.pipeline.SdModel;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/** DreamBooth-LoRA: adapters on every UNet attention projection are trained; the model's weights are not touched. */
final class LoraTuning implements Tuning {
    static final String FILE = "lora.safetensors";
    private final LoraNetwork network;

    LoraTuning(SdModel model, int rank, float alpha, long seed) {
        this.network = LoraNetwork.create(LoraTargets.unetAttention(model.unet()), rank, alpha, seed, model.manager());
        network.attach();
    }

    @Override
    public Map<String, NDArray> trainables() {
        return network.trainables();
    }

    @Override
    public boolean trainsTextEncoder() {
        return false;
    }

    @Override
    public void save(Path conceptDir, ObjectNode details) throws IOException {
        int rank = network.weights().rank();
        float alpha = network.layers().values().iterator().next().alpha();
        details.put("variant", "lora").put("rank", rank).put("alpha", alpha).put("file", FILE);
        LoraFiles.writeLikeness(conceptDir.resolve(FILE), network.weights(),
                Map.of("format", "pt", "likeness_lora_rank", Integer.toString(rank)));
    }

    @Override
    public void close() {
        network.close();
    }
}
