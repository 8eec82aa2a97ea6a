package dev.likeness.pipeline.preview;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import dev.likeness.pipeline.SdModel;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

/**
 * Identifies a VAE decoder by its weights: every decoder parameter's name and shape, the scaling factor, and the full
 * bytes of the layers nearest the latents and the pixels (post_quant_conv, decoder.conv_in, decoder.conv_out),
 * which differ between any two trained decoders. Hashing a few small tensors keeps it cheap for a 2 GB model.
 */
public final class VaeFingerprint {
    private VaeFingerprint() {}

    public static String of(SdModel model) {
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            d.update(("scaling=" + model.vae().config().scalingFactor()).getBytes(StandardCharsets.UTF_8));
            for (Map.Entry<String, NDArray> e : new TreeMap<>(model.parameters().vae()).entrySet()) {
                String k = e.getKey();
                if (!k.startsWith("decoder.") && !k.startsWith("post_quant_conv.")) {
                    continue;
                }
                d.update((k + e.getValue().getShape()).getBytes(StandardCharsets.UTF_8));
                if (k.startsWith("post_quant_conv.") || k.startsWith("decoder.conv_in.")
                        || k.startsWith("decoder.conv_out.")) {
                    try (NDArray f32 = e.getValue().toType(DataType.FLOAT32, true)) {
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
