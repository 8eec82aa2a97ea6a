package dev.likeness.methods.perfusion;

/**
 * The small float64 linear algebra Perfusion needs on the CPU: Cholesky factors, the inverse of a symmetric
 * positive-definite matrix, triangular solves and an orthonormal basis. Matrices are row-major {@code double[n*n]}.
 */
final class DenseMath {
    private DenseMath() {}

    /** Lower-triangular L with A = L·Lᵀ. */
    static double[] choleskyLower(double[] a, int n) {
        double[] l = new double[n * n];
        for (int j = 0; j < n; j++) {
            double d = a[j * n + j];
            for (int k = 0; k < j; k++) {
                d -= l[j * n + k] * l[j * n + k];
            }
            if (!(d > 0)) {
                throw new IllegalArgumentException("matrix is not positive definite (pivot " + j + " = " + d + ")");
            }
            double ljj = Math.sqrt(d);
            l[j * n + j] = ljj;
            for (int i = j + 1; i < n; i++) {
                double s = a[i * n + j];
                for (int k = 0; k < j; k++) {
                    s -= l[i * n + k] * l[j * n + k];
                }
                l[i * n + j] = s / ljj;
            }
        }
        return l;
    }

    /** Upper-triangular U with A = Uᵀ·U (the transposed lower factor). */
    static double[] choleskyUpper(double[] a, int n) {
        return transpose(choleskyLower(a, n), n);
    }

    /** A⁻¹ of a symmetric positive-definite A, through its Cholesky factor. */
    static double[] inverseSpd(double[] a, int n) {
        double[] l = choleskyLower(a, n);
        double[] inv = new double[n * n];
        double[] col = new double[n];
        for (int c = 0; c < n; c++) {
            java.util.Arrays.fill(col, 0);
            col[c] = 1;
            double[] y = solveLower(l, n, col);
            double[] x = solveUpperTransposedLower(l, n, y);
            for (int r = 0; r < n; r++) {
                inv[r * n + c] = x[r];
            }
        }
        symmetrize(inv, n);
        return inv;
    }

    /** Solves L·y = b for lower-triangular L. */
    static double[] solveLower(double[] l, int n, double[] b) {
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            double s = b[i];
            for (int k = 0; k < i; k++) {
                s -= l[i * n + k] * y[k];
            }
            y[i] = s / l[i * n + i];
        }
        return y;
    }

    /** Solves U·x = b for upper-triangular U. */
    static double[] solveUpper(double[] u, int n, double[] b) {
        double[] x = new double[n];
        for (int i = n - 1; i >= 0; i--) {
            double s = b[i];
            for (int k = i + 1; k < n; k++) {
                s -= u[i * n + k] * x[k];
            }
            x[i] = s / u[i * n + i];
        }
        return x;
    }

    /** Solves Lᵀ·x = y given lower-triangular L. */
    private static double[] solveUpperTransposedLower(double[] l, int n, double[] y) {
        double[] x = new double[n];
        for (int i = n - 1; i >= 0; i--) {
            double s = y[i];
            for (int k = i + 1; k < n; k++) {
                s -= l[k * n + i] * x[k];
            }
            x[i] = s / l[i * n + i];
        }
        return x;
    }

    static double[] multiply(double[] a, int n, double[] x) {
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            double s = 0;
            for (int k = 0; k < n; k++) {
                s += a[i * n + k] * x[k];
            }
            y[i] = s;
        }
        return y;
    }

    /** Aᵀ·x. */
    static double[] multiplyTransposed(double[] a, int n, double[] x) {
        double[] y = new double[n];
        for (int k = 0; k < n; k++) {
            double xk = x[k];
            if (xk == 0) {
                continue;
            }
            for (int i = 0; i < n; i++) {
                y[i] += a[k * n + i] * xk;
            }
        }
        return y;
    }

    static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    /**
     * The Q of a thin QR decomposition of the columns {@code vectors} (modified Gram-Schmidt, re-orthogonalised once).
     *
     * @throws IllegalArgumentException when a vector lies (almost) in the span of the ones before it
     */
    static double[][] orthonormalize(double[][] vectors) {
        double[][] q = new double[vectors.length][];
        for (int k = 0; k < vectors.length; k++) {
            double[] v = vectors[k].clone();
            double norm0 = Math.sqrt(dot(v, v));
            for (int pass = 0; pass < 2; pass++) {
                for (int j = 0; j < k; j++) {
                    double r = dot(q[j], v);
                    for (int i = 0; i < v.length; i++) {
                        v[i] -= r * q[j][i];
                    }
                }
            }
            double norm = Math.sqrt(dot(v, v));
            if (!(norm > 1e-9 * norm0) || norm0 == 0) {
                throw new IllegalArgumentException("vector " + k + " is linearly dependent on the ones before it");
            }
            for (int i = 0; i < v.length; i++) {
                v[i] /= norm;
            }
            q[k] = v;
        }
        return q;
    }

    static double[] transpose(double[] a, int n) {
        double[] t = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                t[j * n + i] = a[i * n + j];
            }
        }
        return t;
    }

    private static void symmetrize(double[] a, int n) {
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                double m = 0.5 * (a[i * n + j] + a[j * n + i]);
                a[i * n + j] = m;
                a[j * n + i] = m;
            }
        }
    }
}
