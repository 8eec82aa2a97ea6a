package dev.likeness.pipeline.layoutretouch;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.likeness.pipeline.GenerationRequest;
import dev.likeness.pipeline.ConceptSwitch;
import dev.likeness.pipeline.SdModel;
import dev.likeness.pipeline.SdModelLoader;
import dev.likeness.testing.Golden;
import java.io.IOException;
import java.util.List;

/** The tiny SD1 model with a Textual Inversion concept made directly from vectors (no training needed). */
final class TinyConcepts {
    static final String TOKEN = "<sks-dog>";

    private TinyConcepts() {}

    static SdModel model() throws IOException {
        return model("sd1");
    }

    static SdModel model(String family) throws IOException {
        return SdModelLoader.load(Golden.model(family), null);
    }

    /** {@link #TOKEN}: the "dog" embedding pushed far enough that the token draws something else. */
    static RetouchSubject dog(SdModel model) {
        NDArray table = model.textEncoder().tokenEmbedding();
        int dog = model.tokenizer().tokenizeWord("dog").get(0);
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray row = table.get(dog).toType(DataType.FLOAT32, true).expandDims(0);
            NDArray push = m.randomNormal(0f, 1f, row.getShape(), DataType.FLOAT32, row.getDevice());
            model.conceptTokens().put(TOKEN, row.add(push.mul(2f)));
        }
        return new RetouchSubject(TOKEN, "dog", ConceptSwitch.PROMPT_ONLY);
    }

    static GenerationRequest request(String prompt, long seed, int steps) {
        return new GenerationRequest(prompt, "blurry", seed, steps, 7.5f, "ddim", 64, 64, 1, null, 1f, List.of());
    }
}
