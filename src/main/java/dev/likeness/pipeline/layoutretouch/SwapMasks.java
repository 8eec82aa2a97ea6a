package dev.likeness.pipeline.layoutretouch;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The masks of one step of masked swapping, at latent resolution, handed to each swap layer at its own resolution:
 * the target's subject mask (foreground queries take the references, background queries the context) and each
 * reference's subject mask (only its foreground keys are attended to). Arrays are made on first use per resolution,
 * in the caller's scope, so one instance lives for one step.
 *
 * @param target     the target's subject mask, h×w in [0, 1]
 * @param references per reference, its subject mask h×w, or null to use the whole reference
 */
public record SwapMasks(int h, int w, float[] target, List<float[]> references, Map<String, NDArray> cache) {
    public SwapMasks(int h, int w, float[] target, List<float[]> references) {
        this(h, w, target, references, new HashMap<>());
    }

    /** The target mask at a layer's resolution, (1, 1, tokens, 1), soft (area average). */
    NDArray target(int lh, int lw, NDManager m, DataType type) {
        return cache.computeIfAbsent("t" + lh + "x" + lw, k -> m.create(SubjectMasks.average(target, h, w, lh, lw),
                new Shape(1, 1, (long) lh * lw, 1)).toType(type, false));
    }

    /**
     * Additive key bias over the concatenated reference tokens, (1, 1, 1, refs·tokens): 0 on a reference's
     * foreground (cells at least half covered), −∞ elsewhere. A reference whose foreground vanishes at this
     * resolution is used whole, so no query is left without keys.
     */
    NDArray referenceBias(int lh, int lw, NDManager m, DataType type) {
        return cache.computeIfAbsent("r" + lh + "x" + lw, k -> {
            int n = lh * lw;
            float[] bias = new float[references.size() * n];
            for (int r = 0; r < references.size(); r++) {
                float[] mask = references.get(r);
                if (mask == null) {
                    continue;
                }
                float[] small = SubjectMasks.average(mask, h, w, lh, lw);
                boolean any = false;
                for (float v : small) {
                    any |= v >= 0.5f;
                }
                for (int i = 0; i < n && any; i++) {
                    bias[r * n + i] = small[i] >= 0.5f ? 0f : Float.NEGATIVE_INFINITY;
                }
            }
            return m.create(bias, new Shape(1, 1, 1, bias.length)).toType(type, false);
        });
    }
}
