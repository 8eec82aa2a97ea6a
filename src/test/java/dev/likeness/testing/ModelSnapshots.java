package dev.likeness.testing;

import ai.djl.ndarray.NDArray;
import dev.likeness.pipeline.SdModel;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Byte copies of every frozen model weight, to prove training left them bit-identical. */
public final class ModelSnapshots {
    private ModelSnapshots() {}

    /** Text encoder, UNet and VAE weights by name, as bytes. */
    public static Map<String, byte[]> weights(SdModel model) {
        Map<String, byte[]> out = new LinkedHashMap<>();
        for (Map<String, NDArray> c : List.of(model.parameters().textEncoder(), model.parameters().unet(),
                model.parameters().vae())) {
            c.forEach((k, v) -> out.put(k, v.toByteArray()));
        }
        return out;
    }
}
