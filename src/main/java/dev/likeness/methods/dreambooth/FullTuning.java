package dev.likeness.methods.dreambooth;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.likeness.pipeline.ModelExport;
import dev.likeness.pipeline.SdModel;
import dev.likeness.train.GradMode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Full DreamBooth: the UNet's weights (and optionally the text encoder's) are the trainables, updated in place in
 * float32. The model may be shared (the server's active model), so the original weights are copied first and put
 * back on close. The concept is the whole fine-tuned model, saved as a diffusers folder {@code model/}.
 */
final class FullTuning implements Tuning {
    static final String MODEL_DIR = "model";
    private final SdModel model;
    private final boolean trainText;
    private final Map<String, NDArray> trainables = new LinkedHashMap<>();
    private final Map<String, NDArray> originals = new LinkedHashMap<>();
    private final NDManager snapshot;

    FullTuning(SdModel model, boolean trainText) {
        if (model.computeType() != DataType.FLOAT32) {
            throw new IllegalArgumentException("a full DreamBooth fine-tune trains float32 weights; this model is "
                    + "loaded as " + model.computeType() + " (use --lora-rank, or load it in float32)");
        }
        this.model = model;
        this.trainText = trainText;
        model.parameters().unet().forEach((k, v) -> trainables.put("unet." + k, v));
        if (trainText) {
            model.parameters().textEncoder().forEach((k, v) -> trainables.put("text_encoder." + k, v));
        }
        this.snapshot = model.manager().newSubManager();
        GradMode.off(() -> trainables.forEach((k, v) -> {
            NDArray copy = v.duplicate();
            copy.attach(snapshot);
            originals.put(k, copy);
        }));
    }

    @Override
    public Map<String, NDArray> trainables() {
        return trainables;
    }

    @Override
    public boolean trainsTextEncoder() {
        return trainText;
    }

    @Override
    public void save(Path conceptDir, ObjectNode details) throws IOException {
        details.put("variant", "full").put("trainTextEncoder", trainText).put("model", MODEL_DIR);
        ModelExport.diffusersFolder(model, conceptDir.resolve(MODEL_DIR));
    }

    @Override
    public void close() {
        GradMode.off(() -> originals.forEach((k, v) -> trainables.get(k).set(v.toByteBuffer())));
        snapshot.close();
    }
}
