package dev.likeness.engine.weights;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalInt;

/**
 * Writes a model as an original (LDM) single-file checkpoint, the format A1111 and ComfyUI load. Before anything is
 * written, the names are planned forward with the same converter {@link CheckpointLoader} uses: every diffusers
 * parameter must come back under its own name and shape, so a file this writes always loads back to the same tensors.
 */
public final class SingleFileWriter {
    private SingleFileWriter() {}

    /**
     * @param layersPerBlock the UNet config's {@code layers_per_block}
     * @param textLayers     the text encoder's {@code num_hidden_layers}
     */
    public static void write(Path file, ModelFamily family, int layersPerBlock, int textLayers,
            Map<String, NDArray> unet, Map<String, NDArray> vae, Map<String, NDArray> text) throws IOException {
        try (NDScope scope = new NDScope()) {
            Map<String, NDArray> tensors = new LinkedHashMap<>();
            tensors.putAll(DiffusersToLdm.tensors(unet, DiffusersToLdm.unetNames(unet.keySet(), layersPerBlock)));
            tensors.putAll(DiffusersToLdm.tensors(vae, DiffusersToLdm.vaeNames(vae.keySet())));
            tensors.putAll(DiffusersToLdm.tensors(text, DiffusersToLdm.textNames(text.keySet(), family)));
            verify(file.getFileName() + ": ", family, textLayers, tensors, unet, vae, text);
            SafetensorsWriter.write(file, tensors, Map.of("format", "pt"));
        }
    }

    private static void verify(String where, ModelFamily family, int textLayers, Map<String, NDArray> tensors,
            Map<String, NDArray> unet, Map<String, NDArray> vae, Map<String, NDArray> text)
            throws WeightsFormatException {
        Map<String, long[]> shapes = new LinkedHashMap<>();
        tensors.forEach((k, v) -> shapes.put(k, v.getShape().getShape()));
        CheckpointPlan plan = LdmCheckpointConverter.plan(where, shapes, OptionalInt.of(textLayers));
        if (plan.family() != family) {
            throw new WeightsFormatException(where + "would load back as " + plan.family() + ", not " + family);
        }
        same(where, "UNet", plan.unet(), unet);
        same(where, "VAE", plan.vae(), vae);
        same(where, "text encoder", plan.text(), text);
    }

    private static void same(String where, String component, Map<String, TensorRoute> planned,
            Map<String, NDArray> params) throws WeightsFormatException {
        if (!planned.keySet().equals(params.keySet())) {
            throw new WeightsFormatException(where + component + " names would not load back as written");
        }
        for (Map.Entry<String, NDArray> e : params.entrySet()) {
            if (!Arrays.equals(planned.get(e.getKey()).shape(), e.getValue().getShape().getShape())) {
                throw new WeightsFormatException(where + component + " parameter " + e.getKey()
                        + " would load back with another shape");
            }
        }
    }
}
