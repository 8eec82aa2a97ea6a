package dev.likeness.methods.dreambooth;

import ai.djl.ndarray.NDArray;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/** What DreamBooth changes in the model: LoRA adapters, or the UNet's (and text encoder's) own weights. */
interface Tuning extends AutoCloseable {
    Map<String, NDArray> trainables();

    /** Whether the text encoder is trained, so prompts must be encoded with gradients every step. */
    boolean trainsTextEncoder();

    /** Writes the payload into the concept folder and adds its settings to the manifest details. */
    void save(Path conceptDir, ObjectNode details) throws IOException;

    /** Leaves the shared model as it was before training. */
    @Override
    void close();
}
