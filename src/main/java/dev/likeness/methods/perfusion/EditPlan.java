package dev.likeness.methods.perfusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.likeness.methods.perfusion.CrossLayer.Projection;
import dev.likeness.pipeline.Conditioning;
import java.util.List;
import java.util.Map;

/**
 * The edit for one generation: the active concepts' basis and per-layer W·u_k and o* (float32), and the text
 * states it applies to. Only the text states of that generation are edited (compared by content, once per UNet
 * pass), so a plan never leaks into other work on the model, such as training another concept.
 */
final class EditPlan implements AutoCloseable {
    /** One active concept with its settings and its o* by layer path. */
    record Active(PerfusionConcept concept, PerfusionSettings settings, Map<String, PerfusionConcept.LayerTargets> targets) {}

    private final NDManager manager;
    private final EditBasis basis;
    private final NDArray[][] removed;
    private final NDArray[][] targets;
    private final NDArray cond;
    private final NDArray guided;
    private final NDArray keyCond;
    private final NDArray keyGuided;
    private NDArray lastInput;
    private NDArray lastMatch;
    /** Per projection: K may read other text states than V (global locking). */
    private final RankOneEdit.Terms[] terms = new RankOneEdit.Terms[2];

    /**
     * @param keyConditioning the text states the K projections read under global locking, or null (local locking)
     */
    EditPlan(NDManager parent, List<CrossLayer> layers, List<Active> active, double[] cInverse, double[] upper,
            Conditioning conditioning, Conditioning keyConditioning) {
        this.manager = parent.newSubManager();
        try (NDScope scope = new NDScope()) {
            List<double[]> iStars = active.stream().map(a -> a.concept().iStarDouble()).toList();
            boolean approximate = active.stream().anyMatch(a -> a.settings().approximate());
            EditGeometry g = approximate ? EditGeometry.single(cInverse, iStars)
                    : EditGeometry.exact(cInverse, upper, iStars);
            NDArray removal = keep(columns(g.removal()));
            NDArray similarity = g.similarity() == g.removal() ? removal : keep(columns(g.similarity()));
            this.basis = new EditBasis(removal, similarity,
                    keep(manager.create(floats(active.stream().mapToDouble(a -> a.settings().beta()).toArray()))),
                    keep(manager.create(floats(active.stream().mapToDouble(a -> a.settings().tau()).toArray()))));
            NDArray u = columns(g.basis());
            this.removed = new NDArray[2][layers.size()];
            this.targets = new NDArray[2][layers.size()];
            for (int l = 0; l < layers.size(); l++) {
                CrossLayer layer = layers.get(l);
                for (Projection p : Projection.values()) {
                    NDArray w = layer.projection(p).weight().toType(DataType.FLOAT32, false);
                    removed[p.ordinal()][l] = keep(w.matMul(u).transpose());
                    NDList rows = new NDList();
                    for (Active a : active) {
                        PerfusionConcept.LayerTargets t = a.targets().get(layer.path());
                        rows.add(manager.create(p == Projection.KEY ? t.key() : t.value()));
                    }
                    targets[p.ordinal()][l] = keep(NDArrays.stack(rows));
                }
            }
            this.cond = keep(conditioning.cond());
            this.guided = conditioning.guided() ? keep(conditioning.unetContext()) : null;
            this.keyCond = keyConditioning == null ? null : keep(keyConditioning.cond());
            this.keyGuided = keyConditioning == null || !keyConditioning.guided() ? null
                    : keep(keyConditioning.unetContext());
        }
    }

    /** The edited output of one projection, or {@code y} unchanged when {@code e} is not this generation's. */
    NDArray apply(int layer, Projection p, CrossLayer l, NDArray e, NDArray y) {
        NDArray key = match(e);
        if (key == null) {
            return y;
        }
        NDArray input = e;
        NDArray output = y;
        if (p == Projection.KEY && keyCond != null) {
            input = key;
            output = ai.djl.nn.core.Linear.linear(key, l.key().weight(), l.key().bias()).singletonOrThrow();
        }
        RankOneEdit.Terms t = terms[p.ordinal()];
        t = t == null ? RankOneEdit.Terms.of(input, basis) : t.reuseFor(input, basis);
        terms[p.ordinal()] = t;
        return RankOneEdit.apply(output, removed[p.ordinal()][layer], targets[p.ordinal()][layer], t);
    }

    /**
     * Whether {@code e} is this generation's text states: returns the K pathway's states for it (under local locking
     * {@code e} itself), or null when it is not.
     */
    private NDArray match(NDArray e) {
        if (e == lastInput) {
            return lastMatch;
        }
        NDArray result = null;
        if (guided != null && sameAs(e, guided)) {
            result = keyGuided != null ? keyGuided : e;
        } else if (sameAs(e, cond)) {
            result = keyCond != null ? keyCond : e;
        }
        lastInput = e;
        lastMatch = result;
        return result;
    }

    private static boolean sameAs(NDArray e, NDArray expected) {
        return e.getShape().equals(expected.getShape()) && e.getDataType() == expected.getDataType()
                && e.contentEquals(expected);
    }

    private NDArray columns(double[][] vectors) {
        int d = vectors[0].length;
        float[] f = new float[d * vectors.length];
        for (int k = 0; k < vectors.length; k++) {
            for (int i = 0; i < d; i++) {
                f[i * vectors.length + k] = (float) vectors[k][i];
            }
        }
        return manager.create(f, new Shape(d, vectors.length));
    }

    private static float[] floats(double[] v) {
        float[] f = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            f[i] = (float) v[i];
        }
        return f;
    }

    /** A copy owned by the plan, outside any NDScope. */
    private NDArray keep(NDArray a) {
        NDArray c = a.duplicate();
        c.attach(manager);
        NDScope.unregister(c);
        return c;
    }

    @Override
    public void close() {
        lastInput = null;
        lastMatch = null;
        java.util.Arrays.fill(terms, null);
        manager.close();
    }
}
