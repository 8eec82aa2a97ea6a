package dev.likeness.methods.perfusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.likeness.engine.weights.SafetensorsFile;
import dev.likeness.engine.weights.SafetensorsWriter;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A trained Perfusion concept, as stored in {@code perfusion.safetensors} (fp32, ≈100 KB for SD 1.5): o*_K and o*_V
 * of every cross-attention layer (concatenated in the order of {@code layers}), i*, the token's word embedding,
 * and in the metadata the token, the super-category word, the model family, the layers ({@code path:width;...})
 * and the covariance id.
 *
 * @param covariance the {@link Covariance#id()} the concept was trained with
 */
public record PerfusionConcept(String token, String classWord, String family, String covariance,
        List<LayerTargets> layers, float[] iStar, float[] embedding) {
    public static final String FILE = "perfusion.safetensors";

    /** o*_K (locked to the super-category's key) and o*_V (learned) of one cross-attention layer. */
    public record LayerTargets(String path, float[] key, float[] value) {
        public LayerTargets {
            if (key.length != value.length) {
                throw new IllegalArgumentException(path + ": o*_K and o*_V differ in width");
            }
        }
    }

    public PerfusionConcept {
        layers = List.copyOf(layers);
        if (iStar.length != embedding.length) {
            throw new IllegalArgumentException("i* and the word embedding differ in width");
        }
    }

    public void write(Path file) throws IOException {
        int total = layers.stream().mapToInt(l -> l.key().length).sum();
        float[] keys = new float[total];
        float[] values = new float[total];
        java.util.StringJoiner layout = new java.util.StringJoiner(";");
        int at = 0;
        for (LayerTargets l : layers) {
            System.arraycopy(l.key(), 0, keys, at, l.key().length);
            System.arraycopy(l.value(), 0, values, at, l.value().length);
            layout.add(l.path() + ":" + l.key().length);
            at += l.key().length;
        }
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("likeness_perfusion", "1");
        meta.put("token", token);
        meta.put("class_word", classWord);
        meta.put("model_family", family);
        meta.put("covariance", covariance);
        meta.put("layers", layout.toString());
        try (NDManager m = NDManager.newBaseManager()) {
            Map<String, NDArray> tensors = new LinkedHashMap<>();
            tensors.put("keys", m.create(keys));
            tensors.put("values", m.create(values));
            tensors.put("i_star", m.create(iStar));
            tensors.put("embedding", m.create(embedding, new Shape(1, embedding.length)));
            SafetensorsWriter.write(file, tensors, meta);
        }
    }

    public static PerfusionConcept read(Path file) throws IOException {
        try (SafetensorsFile f = SafetensorsFile.open(file); NDManager m = NDManager.newBaseManager()) {
            Map<String, String> meta = f.metadata();
            for (String key : new String[] {"likeness_perfusion", "token", "class_word", "model_family", "layers"}) {
                if (!meta.containsKey(key)) {
                    throw new IOException(file.getFileName() + " is not a Perfusion concept (no '" + key + "')");
                }
            }
            float[] keys = floats(f, "keys", m);
            float[] values = floats(f, "values", m);
            List<LayerTargets> layers = new ArrayList<>();
            int at = 0;
            for (String entry : meta.get("layers").split(";")) {
                int colon = entry.lastIndexOf(':');
                int width = colon > 0 ? Integer.parseInt(entry.substring(colon + 1)) : 0;
                if (width <= 0 || at + width > keys.length || keys.length != values.length) {
                    throw new IOException(file.getFileName() + ": layer table does not match the tensors");
                }
                layers.add(new LayerTargets(entry.substring(0, colon), java.util.Arrays.copyOfRange(keys, at, at + width),
                        java.util.Arrays.copyOfRange(values, at, at + width)));
                at += width;
            }
            if (at != keys.length) {
                throw new IOException(file.getFileName() + ": layer table does not match the tensors");
            }
            return new PerfusionConcept(meta.get("token"), meta.get("class_word"), meta.get("model_family"),
                    meta.getOrDefault("covariance", ""), layers, floats(f, "i_star", m), floats(f, "embedding", m));
        } catch (IllegalArgumentException e) { // also NumberFormatException from the layer table
            throw new IOException(file.getFileName() + ": " + e.getMessage(), e);
        }
    }

    private static float[] floats(SafetensorsFile f, String name, NDManager m) throws IOException {
        if (!f.contains(name)) {
            throw new IOException(f.path().getFileName() + ": missing tensor '" + name + "'");
        }
        return f.load(name, m, DataType.FLOAT32).toFloatArray();
    }

    /** i* in float64. */
    double[] iStarDouble() {
        double[] out = new double[iStar.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = iStar[i];
        }
        return out;
    }
}
