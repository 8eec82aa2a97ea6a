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
 * each subject's mask in the target (its foreground queries take that subject's references, background queries the
 * context) and each reference's subject mask (only its foreground keys are attended to). Arrays are made on first
 * use per resolution, in the caller's scope, so one instance lives for one step.
 *
 * @param targets    per subject, its mask in the target, h×w in [0, 1]
 * @param references per reference, its subject mask h×w, or null to use the whole reference
 * @param shows      per reference, the index of the subject (in {@code targets}) it shows
 */
public record SwapMasks(int h, int w, List<float[]> targets, List<float[]> references, int[] shows,
        Map<String, NDArray> cache) {
    /** One subject, shown by every reference. */
    public SwapMasks(int h, int w, float[] target, List<float[]> references) {
        this(h, w, List.of(target), references, new int[references.size()]);
    }

    public SwapMasks(int h, int w, List<float[]> targets, List<float[]> references, int[] shows) {
        this(h, w, targets, references, shows, new HashMap<>());
        if (shows.length != references.size()) {
            throw new IllegalArgumentException(references.size() + " references, " + shows.length + " subjects named");
        }
        for (int s : shows) {
            if (s < 0 || s >= targets.size()) {
                throw new IllegalArgumentException("a reference shows subject " + s + " of " + targets.size());
            }
        }
    }

    int subjects() {
        return targets.size();
    }

    /**
     * Subject {@code subject}'s target mask at a layer's resolution, (1, 1, tokens, 1), soft (area average). With
     * several subjects, where their masks overlap to more than 1 they are scaled to sum to 1, so the mix of the
     * subjects' and the context's attention stays a convex combination.
     */
    NDArray target(int subject, int lh, int lw, NDManager m, DataType type) {
        return cache.computeIfAbsent("t" + subject + ":" + lh + "x" + lw, k -> {
            float[] mask = SubjectMasks.average(targets.get(subject), h, w, lh, lw);
            if (targets.size() > 1) {
                float[] total = new float[mask.length];
                for (float[] t : targets) {
                    float[] small = SubjectMasks.average(t, h, w, lh, lw);
                    for (int i = 0; i < total.length; i++) {
                        total[i] += small[i];
                    }
                }
                for (int i = 0; i < mask.length; i++) {
                    mask[i] = total[i] > 1f ? mask[i] / total[i] : mask[i];
                }
            }
            return m.create(mask, new Shape(1, 1, (long) lh * lw, 1)).toType(type, false);
        });
    }

    /**
     * Additive key bias over the concatenated tokens of the references showing {@code subject}, (1, 1, 1,
     * refs·tokens): 0 on a reference's foreground (cells at least half covered), −∞ elsewhere. A reference whose
     * foreground vanishes at this resolution is used whole, so no query is left without keys.
     */
    NDArray referenceBias(int subject, int lh, int lw, NDManager m, DataType type) {
        return cache.computeIfAbsent("r" + subject + ":" + lh + "x" + lw, k -> {
            int n = lh * lw;
            List<float[]> own = new java.util.ArrayList<>();
            for (int r = 0; r < references.size(); r++) {
                if (shows[r] == subject) {
                    own.add(references.get(r));
                }
            }
            float[] bias = new float[own.size() * n];
            for (int r = 0; r < own.size(); r++) {
                float[] mask = own.get(r);
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
