package dev.likeness.methods.perfusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.likeness.engine.model.clip.ClipTextModel;
import dev.likeness.pipeline.ProgressListener;
import dev.likeness.pipeline.SdModel;
import dev.likeness.train.GradMode;
import java.util.List;

/**
 * Computes {@link Covariance} from captions: every caption is encoded by the frozen text encoder and the output
 * vectors of its real tokens (BOS through EOS, not the padding) are accumulated as Σ e·eᵀ in float64 on the CPU.
 * Because CLIP's attention is causal, a caption is encoded only up to its EOS, which gives the same vectors as
 * the padded 77-token encoding at a fraction of the cost. A ridge of 1e-6·trace(C)/d keeps the inverse finite.
 */
public final class CovarianceEstimator {
    private static final int BATCH = 32;
    private static final double RIDGE = 1e-6;

    private CovarianceEstimator() {}

    public static Covariance estimate(SdModel model, List<String> captions, String corpusSha,
            ProgressListener listener) {
        if (captions.isEmpty()) {
            throw new IllegalArgumentException("the caption corpus is empty");
        }
        ClipTextModel text = model.textEncoder();
        int dim = (int) text.tokenEmbedding().getShape().get(1);
        int eos = model.tokenizer().eosId();
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray sum = m.zeros(new Shape(dim, dim), DataType.FLOAT64);
            long vectors = 0;
            for (int start = 0; start < captions.size(); start += BATCH) {
                List<String> batch = captions.subList(start, Math.min(captions.size(), start + BATCH));
                vectors += GradMode.off(() -> accumulate(model, batch, eos, sum));
                listener.onProgress(Math.min(captions.size(), start + BATCH), captions.size(), "covariance");
            }
            double[] c = sum.toDoubleArray();
            for (int i = 0; i < c.length; i++) {
                c[i] /= vectors;
            }
            double trace = 0;
            for (int i = 0; i < dim; i++) {
                trace += c[i * dim + i];
            }
            double ridge = RIDGE * trace / dim;
            for (int i = 0; i < dim; i++) {
                c[i * dim + i] += ridge;
            }
            return new Covariance(dim, DenseMath.inverseSpd(c, dim), EncoderFingerprint.of(model), corpusSha,
                    captions.size(), vectors);
        }
    }

    /** Adds one batch's real-token vectors to {@code sum}; returns how many. */
    private static long accumulate(SdModel model, List<String> batch, int eos, NDArray sum) {
        long[][] ids = new long[batch.size()][];
        int[] ends = new int[batch.size()];
        int longest = 0;
        for (int b = 0; b < batch.size(); b++) {
            ids[b] = model.tokenizer().encode(batch.get(b));
            ends[b] = endOfText(ids[b], eos);
            longest = Math.max(longest, ends[b] + 1);
        }
        long[][] trimmed = new long[batch.size()][];
        for (int b = 0; b < batch.size(); b++) {
            trimmed[b] = java.util.Arrays.copyOf(ids[b], longest);
        }
        try (NDScope scope = new NDScope()) {
            NDArray states = model.textEncoder().forward(sum.getManager().create(trimmed), false).lastHiddenState();
            NDList rows = new NDList();
            long count = 0;
            for (int b = 0; b < batch.size(); b++) {
                rows.add(states.get(b).get("0:" + (ends[b] + 1)));
                count += ends[b] + 1;
            }
            NDArray e = NDArrays.concat(rows, 0).toType(DataType.FLOAT64, false);
            sum.addi(e.transpose().matMul(e));
            return count;
        }
    }

    /** Position of the first EOS after BOS (the last position when the caption was truncated without one). */
    static int endOfText(long[] ids, int eos) {
        for (int t = 1; t < ids.length; t++) {
            if (ids[t] == eos) {
                return t;
            }
        }
        return ids.length - 1;
    }
}
