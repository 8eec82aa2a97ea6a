package dev.likeness.methods.perfusion;

import java.util.List;

/**
 * The float64 directions of the edit for a set of concepts, computed on the CPU from C⁻¹ (see {@link EditBasis}).
 *
 * @param removal    a_k, k×d
 * @param similarity b_c = C⁻¹i*_c / (i*_cᵀC⁻¹i*_c), c×d
 * @param basis      u_k, k×d (the W·u_k are what gets removed from W·e)
 */
record EditGeometry(double[][] removal, double[][] similarity, double[][] basis) {

    /** One concept: a = b, u = i*. Also the approximate multi-concept form, concept by concept. */
    static EditGeometry single(double[] cInverse, List<double[]> iStars) {
        int c = iStars.size();
        double[][] b = new double[c][];
        double[][] u = new double[c][];
        for (int k = 0; k < c; k++) {
            b[k] = similarity(cInverse, iStars.get(k));
            u[k] = iStars.get(k).clone();
        }
        return new EditGeometry(b, b, u);
    }

    /**
     * The exact multi-concept form: with C⁻¹ = UᵀU (Cholesky, U upper), q_k = QR-orthonormalised U·i*_c,
     * u_k = U⁻¹q_k and a_k = C⁻¹u_k = Uᵀq_k, so Σ_k (e·a_k)·u_k is the C⁻¹-orthogonal projection of e onto the span
     * of the concepts' i*.
     */
    static EditGeometry exact(double[] cInverse, double[] upper, List<double[]> iStars) {
        int d = iStars.get(0).length;
        int c = iStars.size();
        double[][] x = new double[c][];
        double[][] b = new double[c][];
        for (int k = 0; k < c; k++) {
            x[k] = DenseMath.multiply(upper, d, iStars.get(k));
            b[k] = similarity(cInverse, iStars.get(k));
        }
        double[][] q;
        try {
            q = DenseMath.orthonormalize(x);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("two of the Perfusion concepts have (almost) the same i*; "
                    + "use them in separate prompts or with the approximate form");
        }
        double[][] a = new double[c][];
        double[][] u = new double[c][];
        for (int k = 0; k < c; k++) {
            a[k] = DenseMath.multiplyTransposed(upper, d, q[k]);
            u[k] = DenseMath.solveUpper(upper, d, q[k]);
        }
        return new EditGeometry(a, b, u);
    }

    /** b = C⁻¹i* / (i*ᵀC⁻¹i*): e·b is s(e). */
    static double[] similarity(double[] cInverse, double[] iStar) {
        int d = iStar.length;
        double[] ci = DenseMath.multiply(cInverse, d, iStar);
        double energy = DenseMath.dot(iStar, ci);
        if (!(energy > 0)) {
            throw new IllegalArgumentException("i* has no energy in the C⁻¹ metric (is it zero?)");
        }
        for (int i = 0; i < d; i++) {
            ci[i] /= energy;
        }
        return ci;
    }
}
