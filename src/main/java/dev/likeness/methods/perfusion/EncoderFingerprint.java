package dev.likeness.methods.perfusion;

import ai.djl.ndarray.NDArray;
import dev.likeness.pipeline.SdModel;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

/**
 * Identifies a text encoder by its weights: every parameter's name and shape, and the full bytes of the position
 * embedding, the final layer norm and the last layer's MLP output (a fine-tuned encoder changes those).
 */
final class EncoderFingerprint {
    private EncoderFingerprint() {}

    static String of(SdModel model) {
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            Map<String, NDArray> params = new TreeMap<>(model.parameters().textEncoder());
            int last = model.textEncoder().config().layers() - 1;
            String lastFc2 = "text_model.encoder.layers." + last + ".mlp.fc2.weight";
            for (Map.Entry<String, NDArray> e : params.entrySet()) {
                d.update((e.getKey() + e.getValue().getShape()).getBytes(StandardCharsets.UTF_8));
                String k = e.getKey();
                if (k.contains("position_embedding") || k.contains("final_layer_norm") || k.equals(lastFc2)) {
                    try (NDArray f32 = e.getValue().toType(ai.djl.ndarray.types.DataType.FLOAT32, true)) {
                        d.update(f32.toByteArray());
                    }
                }
            }
            return HexFormat.of().formatHex(d.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
