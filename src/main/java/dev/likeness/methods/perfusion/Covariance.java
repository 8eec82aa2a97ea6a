package dev.likeness.methods.perfusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.likeness.engine.weights.SafetensorsFile;
import dev.likeness.engine.weights.SafetensorsWriter;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * C⁻¹, the inverse of the uncentered covariance C = (1/N)·Σ e·eᵀ of one text encoder's output vectors over a
 * caption corpus, in float64. Perfusion measures how much a text state e "is" a concept in this metric.
 *
 * @param dim      the text encoder's width
 * @param inverse  C⁻¹, row-major dim×dim
 * @param encoder  fingerprint of the text encoder it was computed with
 * @param corpus   sha-256 of the captions
 * @param captions number of captions
 * @param vectors  number of token vectors summed (all 77 positions of every caption)
 */
public record Covariance(int dim, double[] inverse, String encoder, String corpus, long captions, long vectors) {
    private static final String TENSOR = "c_inverse";

    public Covariance {
        if (inverse.length != (long) dim * dim) {
            throw new IllegalArgumentException("covariance inverse must be " + dim + "x" + dim);
        }
    }

    /**
     * The rule of which text positions C covers; files without it (BOS..EOS only, before) are recomputed, and the id
     * names it so a concept trained with the old C is refused rather than used with another metric.
     */
    public static final String POSITIONS = "all77";

    /** Names the (encoder, corpus) pair; concepts record it so they are only used with the C⁻¹ they were trained with. */
    public String id() {
        return encoder.substring(0, Math.min(16, encoder.length())) + "-" + corpus.substring(0, Math.min(16, corpus.length()))
                + "-" + POSITIONS;
    }

    public void write(Path file) throws IOException {
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("likeness_perfusion_covariance", "1");
        meta.put("encoder", encoder);
        meta.put("corpus", corpus);
        meta.put("captions", Long.toString(captions));
        meta.put("vectors", Long.toString(vectors));
        meta.put("positions", POSITIONS);
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray a = m.create(inverse, new Shape(dim, dim));
            SafetensorsWriter.write(file, Map.of(TENSOR, a), meta);
        }
    }

    public static Covariance read(Path file) throws IOException {
        try (SafetensorsFile f = SafetensorsFile.open(file); NDManager m = NDManager.newBaseManager()) {
            Map<String, String> meta = f.metadata();
            if (!meta.containsKey("likeness_perfusion_covariance") || !f.contains(TENSOR)) {
                throw new IOException(file + " is not a Likeness Perfusion covariance file");
            }
            if (!POSITIONS.equals(meta.get("positions"))) {
                throw new StaleCovarianceException(file + " covers the caption tokens only (an older Likeness); "
                        + "recompute it: likeness perfusion covariance --model ...");
            }
            NDArray a = f.load(TENSOR, m, DataType.FLOAT64);
            long[] s = a.getShape().getShape();
            if (s.length != 2 || s[0] != s[1]) {
                throw new IOException(file + ": covariance inverse is not square");
            }
            return new Covariance((int) s[0], a.toDoubleArray(), meta.getOrDefault("encoder", ""),
                    meta.getOrDefault("corpus", ""), Long.parseLong(meta.getOrDefault("captions", "0")),
                    Long.parseLong(meta.getOrDefault("vectors", "0")));
        } catch (NumberFormatException e) {
            throw new IOException(file + ": bad covariance metadata", e);
        }
    }

    /** A covariance file of an older rule of positions. */
    public static final class StaleCovarianceException extends IOException {
        StaleCovarianceException(String message) {
            super(message);
        }
    }
}
