package dev.likeness.pipeline.preview;

/**
 * Ordinary least squares through the normal equations, accumulated row by row in double precision. A tiny ridge
 * keeps the solve defined when a feature never varies (a zero-weight VAE decodes everything to one colour).
 */
final class LeastSquares {
    private final int features;
    private final int outputs;
    private final double[][] ata;
    private final double[][] atb;

    LeastSquares(int features, int outputs) {
        this.features = features;
        this.outputs = outputs;
        this.ata = new double[features][features];
        this.atb = new double[features][outputs];
    }

    void add(double[] row, double[] target) {
        for (int i = 0; i < features; i++) {
            for (int j = 0; j < features; j++) {
                ata[i][j] += row[i] * row[j];
            }
            for (int k = 0; k < outputs; k++) {
                atb[i][k] += row[i] * target[k];
            }
        }
    }

    /** The coefficients, {@code features × outputs}. */
    double[][] solve() {
        int n = features;
        double trace = 0;
        for (int i = 0; i < n; i++) {
            trace += ata[i][i];
        }
        double ridge = 1e-9 * Math.max(trace / n, 1e-12);
        double[][] a = new double[n][n + outputs];
        for (int i = 0; i < n; i++) {
            System.arraycopy(ata[i], 0, a[i], 0, n);
            a[i][i] += ridge;
            System.arraycopy(atb[i], 0, a[i], n, outputs);
        }
        for (int col = 0; col < n; col++) { // Gauss-Jordan with partial pivoting
            int pivot = col;
            for (int r = col + 1; r < n; r++) {
                if (Math.abs(a[r][col]) > Math.abs(a[pivot][col])) {
                    pivot = r;
                }
            }
            double[] tmp = a[col];
            a[col] = a[pivot];
            a[pivot] = tmp;
            double d = a[col][col];
            for (int j = col; j < n + outputs; j++) {
                a[col][j] /= d;
            }
            for (int r = 0; r < n; r++) {
                if (r != col && a[r][col] != 0) {
                    double factor = a[r][col];
                    for (int j = col; j < n + outputs; j++) {
                        a[r][j] -= factor * a[col][j];
                    }
                }
            }
        }
        double[][] out = new double[n][outputs];
        for (int i = 0; i < n; i++) {
            System.arraycopy(a[i], n, out[i], 0, outputs);
        }
        return out;
    }
}
