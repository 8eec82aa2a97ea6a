package dev.likeness.concepts;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.likeness.engine.weights.SafetensorsFile;
import dev.likeness.engine.weights.SafetensorsWriter;
import dev.likeness.engine.weights.TensorInfo;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Textual Inversion embeddings in the formats tools exchange:
 * <ul>
 *   <li>diffusers (and ours): {@code {"<token>": [n, width]}}</li>
 *   <li>A1111 safetensors: {@code {"emb_params": [n, width]}}</li>
 *   <li>rinongal/A1111 dictionaries flattened: {@code string_to_param.<key>} (+ {@code string_to_token.<key>})</li>
 * </ul>
 */
public final class EmbeddingFiles {
    /** One token's vectors as read from a file. */
    public record Embedding(String token, NDArray vectors) {}

    private EmbeddingFiles() {}

    /**
     * Reads every embedding in a file. {@code fallbackToken} names embeddings whose file does not carry a token
     * (A1111's {@code emb_params}); {@code width} is the text encoder's width, checked here.
     */
    public static List<Embedding> read(Path file, String fallbackToken, long width, NDManager m) throws IOException {
        List<Embedding> out = new ArrayList<>();
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            Map<String, TensorInfo> tensors = f.tensors();
            if (tensors.containsKey("clip_l") || tensors.containsKey("clip_g")) {
                throw new IOException(file.getFileName() + ": an SDXL embedding (clip_l/clip_g); Likeness runs SD 1.x/2.x");
            }
            for (String key : tensors.keySet()) {
                String token;
                if (key.equals("emb_params")) {
                    token = fallbackToken;
                } else if (key.startsWith("string_to_param.")) {
                    token = key.equals("string_to_param.*") ? fallbackToken : key.substring("string_to_param.".length());
                } else if (key.startsWith("string_to_token.")) {
                    continue;
                } else {
                    token = key;
                }
                NDArray v = f.load(key, m, DataType.FLOAT32);
                if (v.getShape().dimension() == 1) {
                    v = v.expandDims(0);
                }
                if (v.getShape().dimension() != 2 || v.getShape().get(1) != width) {
                    throw new IOException(file.getFileName() + ": embedding '" + key + "' has shape " + v.getShape()
                            + " but this model's text encoder needs vectors of width " + width
                            + (v.getShape().get(v.getShape().dimension() - 1) == 768 ? " (it was made for SD 1.x)"
                            : v.getShape().get(v.getShape().dimension() - 1) == 1024 ? " (it was made for SD 2.x)" : ""));
                }
                out.add(new Embedding(token, v));
            }
        }
        if (out.isEmpty()) {
            throw new IOException(file.getFileName() + ": no embedding found");
        }
        return out;
    }

    /** diffusers' learned_embeds format, which is also ours. */
    public static void writeDiffusers(Path file, String token, NDArray vectors) throws IOException {
        writeDiffusers(file, Map.of(token, vectors));
    }

    /** Several tokens in one diffusers-style file ({@code {"<v1>": [n, width], "<v2>": ...}}). */
    public static void writeDiffusers(Path file, Map<String, NDArray> vectorsByToken) throws IOException {
        SafetensorsWriter.write(file, vectorsByToken, Map.of("format", "pt"));
    }

    /** A1111's safetensors format: one {@code emb_params} tensor, the name taken from the file name. */
    public static void writeA1111(Path file, String token, NDArray vectors) throws IOException {
        Map<String, NDArray> t = new LinkedHashMap<>();
        t.put("emb_params", vectors);
        SafetensorsWriter.write(file, t, Map.of("name", token, "format", "pt"));
    }

    /** rinongal's dictionaries (string_to_param / string_to_token), flattened for safetensors. */
    public static void writeStringToParam(Path file, String token, int tokenId, NDArray vectors) throws IOException {
        Map<String, NDArray> t = new LinkedHashMap<>();
        t.put("string_to_param." + token, vectors);
        t.put("string_to_token." + token, vectors.getManager().create(new long[] {tokenId}));
        SafetensorsWriter.write(file, t, Map.of("name", token, "format", "pt"));
    }
}
