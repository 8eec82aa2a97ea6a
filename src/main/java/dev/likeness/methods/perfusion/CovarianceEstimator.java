package dev.likeness.methods.perfusion;

import ai.djl.ndarray.NDArray;
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
 * Computes {@link Covariance} from captions: every caption is encoded by the frozen text encoder, padded to its 77
 * positions as a generation encodes prompts, and the output vectors of all 77 positions are accumulated as Σ e·eᵀ
 * in float64 on the CPU. The rank-one edit acts on every one of the 77 text states a prompt gives the UNet (padding
 * included), so C is measured over the same states, as the reference implementation sums it. A ridge of
 * 1e-6·trace(C)/d keeps the inverse finite.
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
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray sum = m.zeros(new Shape(dim, dim), DataType.FLOAT64);
            long vectors = 0;
            for (int start = 0; start < captions.size(); start += BATCH) {
                List<String> batch = captions.subList(start, Math.min(captions.size(), start + BATCH));
                vectors += GradMode.off(() -> accumulate(model, batch, sum));
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

    /** Adds one batch's vectors (all 77 positions of every caption) to {@code sum}; returns how many. */
    private static long accumulate(SdModel model, List<String> batch, NDArray sum) {
        long[][] ids = new long[batch.size()][];
        for (int b = 0; b < batch.size(); b++) {
            ids[b] = model.tokenizer().encode(batch.get(b));
        }
        try (NDScope scope = new NDScope()) {
            NDArray states = model.textEncoder().forward(sum.getManager().create(ids), false).lastHiddenState();
            long width = states.getShape().get(2);
            NDArray e = states.reshape(-1, width).toType(DataType.FLOAT64, false);
            sum.addi(e.transpose().matMul(e));
            return e.getShape().get(0);
        }
    }
}
