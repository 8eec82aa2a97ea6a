package dev.likeness.methods.perfusion;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The gated rank-one edit on random data: its defining identities, the gate, and the multi-concept forms. */
class RankOneEditTest {
    private static final int D = 24;
    private static final int OUT = 40;
    private final Random random = new Random(5);
    private NDManager m;
    private double[] cInverse;
    private double[] upper;
    private NDArray w;

    @BeforeEach
    void setUp() {
        m = NDManager.newBaseManager();
        double[] a = new double[D * D];
        for (int i = 0; i < a.length; i++) {
            a[i] = random.nextGaussian();
        }
        double[] c = new double[D * D]; // AᵀA/D + 0.1·I: a random covariance
        for (int i = 0; i < D; i++) {
            for (int j = 0; j < D; j++) {
                double s = 0;
                for (int k = 0; k < D; k++) {
                    s += a[k * D + i] * a[k * D + j];
                }
                c[i * D + j] = s / D + (i == j ? 0.1 : 0);
            }
        }
        cInverse = DenseMath.inverseSpd(c, D);
        upper = DenseMath.choleskyUpper(cInverse, D);
        w = m.randomNormal(new Shape(OUT, D));
    }

    @AfterEach
    void tearDown() {
        m.close();
    }

    private double[] vector() {
        double[] v = new double[D];
        for (int i = 0; i < D; i++) {
            v[i] = random.nextGaussian();
        }
        return v;
    }

    private NDArray f32(double[] v) {
        float[] f = new float[v.length];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) v[i];
        }
        return m.create(f);
    }

    private NDArray columns(double[][] vs) {
        float[] f = new float[D * vs.length];
        for (int k = 0; k < vs.length; k++) {
            for (int i = 0; i < D; i++) {
                f[i * vs.length + k] = (float) vs[k][i];
            }
        }
        return m.create(f, new Shape(D, vs.length));
    }

    /** Basis and W·u_k rows of a geometry, as the runtime and the trainer build them. */
    private EditBasis basis(EditGeometry g, float beta, float tau) {
        int c = g.similarity().length;
        float[] b = new float[c];
        float[] t = new float[c];
        java.util.Arrays.fill(b, beta);
        java.util.Arrays.fill(t, tau);
        NDArray removal = columns(g.removal());
        NDArray similarity = g.removal() == g.similarity() ? removal : columns(g.similarity());
        return new EditBasis(removal, similarity, m.create(b), m.create(t));
    }

    private NDArray removed(EditGeometry g) {
        return w.matMul(columns(g.basis())).transpose();
    }

    private NDArray edit(NDArray e, EditBasis basis, NDArray removed, NDArray targets) {
        return RankOneEdit.apply(e.reshape(1, 1, D), w.matMul(e.reshape(D, 1)).reshape(1, 1, OUT), basis, removed,
                targets).reshape(OUT);
    }

    private static double sigmoid(double x) {
        return 1 / (1 + Math.exp(-x));
    }

    private static float maxAbs(NDArray a, NDArray b) {
        return a.sub(b).abs().max().getFloat();
    }

    @Test
    void theConceptEncodingMapsToItsTargetAndTheGateIsTheSigmoid() {
        double[] iStar = vector();
        NDArray target = m.randomNormal(new Shape(1, OUT));
        EditGeometry g = EditGeometry.single(cInverse, List.of(iStar));
        for (float tau : new float[] {0.1f, 0.15f, 0.005f}) {
            EditBasis basis = basis(g, 0.75f, tau);
            NDArray out = edit(f32(iStar), basis, removed(g), target);
            double gate = sigmoid((1 - 0.75) / tau);
            assertTrue(maxAbs(out, target.reshape(OUT).mul((float) gate)) < 1e-4, "out(i*) = σ((1-β)/τ)·o*");
            if (tau < 0.01f) {
                assertTrue(maxAbs(out, target.reshape(OUT)) < 1e-4, "gate ≈ 1: out(i*) = o*");
            }
        }
    }

    @Test
    void encodingsOrthogonalToIStarPassThrough() {
        double[] iStar = vector();
        double[] b = EditGeometry.similarity(cInverse, iStar);
        NDArray target = m.randomNormal(new Shape(1, OUT));
        EditGeometry g = EditGeometry.single(cInverse, List.of(iStar));
        for (int trial = 0; trial < 5; trial++) {
            double[] x = vector();
            double s = DenseMath.dot(x, b);
            double[] e = new double[D];
            for (int i = 0; i < D; i++) {
                e[i] = x[i] - s * iStar[i];
            }
            assertEquals(0, DenseMath.dot(e, b), 1e-12, "s(e) = 0");
            NDArray ef = f32(e);
            NDArray plain = w.matMul(ef.reshape(D, 1)).reshape(OUT);
            NDArray out = edit(ef, basis(g, 0.7f, 0.15f), removed(g), target);
            NDArray leak = target.reshape(OUT).mul((float) sigmoid(-0.7 / 0.15));
            assertTrue(maxAbs(out, plain.add(leak)) < 1e-5, "out(e) = W·e + σ(-β/τ)·o*");
            NDArray closed = edit(ef, basis(g, 1e4f, 0.15f), removed(g), target);
            assertTrue(maxAbs(closed, plain) < 1e-5, "gate 0: out(e) = W·e");
        }
    }

    @Test
    void gateFollowsTheSigmoidOfTheSimilarity() {
        double[] iStar = vector();
        double[] b = EditGeometry.similarity(cInverse, iStar);
        EditGeometry g = EditGeometry.single(cInverse, List.of(iStar));
        EditBasis basis = basis(g, 0.7f, 0.15f);
        NDArray target = m.randomNormal(new Shape(1, OUT));
        NDArray wi = w.matMul(f32(iStar).reshape(D, 1)).reshape(OUT);
        double[] x = vector();
        double s0 = DenseMath.dot(x, b);
        for (double alpha : new double[] {-0.5, 0, 0.3, 0.6, 0.7, 0.8, 1, 1.5}) {
            double[] e = new double[D];
            for (int i = 0; i < D; i++) {
                e[i] = x[i] + (alpha - s0) * iStar[i];
            }
            assertEquals(alpha, DenseMath.dot(e, b), 1e-9);
            NDArray ef = f32(e);
            NDArray sim = RankOneEdit.similarity(ef.reshape(1, D), basis);
            assertEquals(alpha, sim.getFloat(0, 0), 1e-4, "s(e) in float32");
            NDArray gates = RankOneEdit.gate(sim, basis);
            assertEquals(sigmoid((alpha - 0.7) / 0.15), gates.getFloat(0, 0), 1e-5);
            NDArray out = edit(ef, basis, removed(g), target);
            NDArray gatePart = out.sub(w.matMul(ef.reshape(D, 1)).reshape(OUT)).add(wi.mul((float) alpha));
            assertTrue(maxAbs(gatePart, target.reshape(OUT).mul((float) sigmoid((alpha - 0.7) / 0.15))) < 2e-4,
                    "gate at s = " + alpha);
        }
    }

    @Test
    void exactFormOfOneConceptIsTheSingleConceptForm() {
        double[] iStar = vector();
        NDArray target = m.randomNormal(new Shape(1, OUT));
        EditGeometry single = EditGeometry.single(cInverse, List.of(iStar));
        EditGeometry exact = EditGeometry.exact(cInverse, upper, List.of(iStar));
        NDArray e = m.randomNormal(new Shape(3, 7, D));
        NDArray y = e.matMul(w.transpose());
        NDArray a = RankOneEdit.apply(e, y, basis(single, 0.7f, 0.15f), removed(single), target);
        NDArray b = RankOneEdit.apply(e, y, basis(exact, 0.7f, 0.15f), removed(exact), target);
        assertTrue(maxAbs(a, b) < 1e-4, "exact(1 concept) = single: " + maxAbs(a, b));
        assertTrue(maxAbs(a, y) > 1e-2, "the edit does something");
    }

    @Test
    void exactFormRemovesTheSpanOfAllConcepts() {
        double[] i1 = vector();
        double[] i2 = vector();
        EditGeometry exact = EditGeometry.exact(cInverse, upper, List.of(i1, i2));
        NDArray none = m.zeros(new Shape(2, OUT));
        EditBasis closed = basis(exact, 1e4f, 0.15f);
        for (double[] iStar : List.of(i1, i2)) {
            NDArray out = edit(f32(iStar), closed, removed(exact), none);
            assertTrue(out.abs().max().getFloat() < 1e-3, "W(e − proj e) = 0 for e in the span");
        }
        double[] mix = new double[D];
        for (int i = 0; i < D; i++) {
            mix[i] = 0.3 * i1[i] - 1.2 * i2[i];
        }
        assertTrue(edit(f32(mix), closed, removed(exact), none).abs().max().getFloat() < 1e-3);
        // the approximate form does not remove the span exactly when the i* are C⁻¹-correlated
        EditGeometry approx = EditGeometry.single(cInverse, List.of(i1, i2));
        float residual = edit(f32(i1), basis(approx, 1e4f, 0.15f), removed(approx), none).abs().max().getFloat();
        assertTrue(residual > 1e-3, "approximate form differs: " + residual);
        assertThrows(IllegalArgumentException.class, () -> EditGeometry.exact(cInverse, upper, List.of(i1, i1.clone())));
    }

    @Test
    void inverseAndCholeskyAreExactInFloat64() {
        double[] inv = DenseMath.inverseSpd(cInverse, D);
        double[] back = DenseMath.inverseSpd(inv, D);
        double err = 0;
        for (int i = 0; i < back.length; i++) {
            err = Math.max(err, Math.abs(back[i] - cInverse[i]));
        }
        assertTrue(err < 1e-9, "inverse of inverse: " + err);
        double[] v = vector();
        double[] uv = DenseMath.multiply(upper, D, v);
        assertEquals(DenseMath.dot(v, DenseMath.multiply(cInverse, D, v)), DenseMath.dot(uv, uv), 1e-9, "C⁻¹ = UᵀU");
        assertEquals(DataType.FLOAT32, w.getDataType());
    }
}
