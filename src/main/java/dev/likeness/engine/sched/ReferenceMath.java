package dev.likeness.engine.sched;

/**
 * The few torch and numpy routines that schedule tables are built from, reproduced with their exact rounding, so
 * that timesteps, alphas and sigmas come out bit-identical to diffusers'.
 */
final class ReferenceMath {
    private ReferenceMath() {}

    /**
     * {@code torch.linspace(start, end, n, dtype=float32)} on the CPU: a float32 step, the first half counted up
     * from start and the second half down from end, each value a fused multiply-add.
     */
    static float[] torchLinspace(double start, double end, int n) {
        float s = (float) start;
        float e = (float) end;
        float[] out = new float[n];
        if (n == 1) {
            out[0] = s;
            return out;
        }
        float step = (e - s) / (float) (n - 1);
        int half = n / 2;
        for (int i = 0; i < n; i++) {
            out[i] = i < half ? Math.fma(step, (float) i, s) : Math.fma(-step, (float) (n - 1 - i), e);
        }
        return out;
    }

    /** {@code torch.cumprod} of a float32 tensor on the CPU: accumulated in double, each prefix stored as float. */
    static float[] torchCumprod(float[] values) {
        float[] out = new float[values.length];
        double acc = 1;
        for (int i = 0; i < values.length; i++) {
            acc *= values[i];
            out[i] = (float) acc;
        }
        return out;
    }

    /** {@code np.linspace(start, stop, num)} in float64. */
    static double[] numpyLinspace(double start, double stop, int num) {
        double[] out = new double[num];
        if (num == 0) {
            return out;
        }
        if (num == 1) {
            out[0] = start;
            return out;
        }
        int div = num - 1;
        double delta = stop - start;
        double step = delta / div;
        for (int i = 0; i < num; i++) {
            out[i] = step == 0 ? (double) i / div * delta + start : i * step + start;
        }
        out[num - 1] = stop;
        return out;
    }

    /** {@code np.arange(start, stop, step)} in float64, including numpy's length rule and fill arithmetic. */
    static double[] numpyArange(double start, double stop, double step) {
        double len = Math.ceil((stop - start) / step);
        int n = len > 0 ? Math.toIntExact((long) len) : 0;
        double[] out = new double[n];
        if (n == 0) {
            return out;
        }
        out[0] = start;
        if (n > 1) {
            out[1] = start + step;
            double delta = out[1] - start;
            for (int i = 2; i < n; i++) {
                out[i] = start + i * delta;
            }
        }
        return out;
    }

    /** {@code np.interp(x, np.arange(len(fp)), fp)} in float64. */
    static double numpyInterp(double x, float[] fp) {
        int last = fp.length - 1;
        if (Double.isNaN(x)) {
            return x;
        }
        if (x < 0) {
            return fp[0];
        }
        if (x >= last) {
            return fp[last];
        }
        int j = (int) Math.floor(x);
        if (x == j) {
            return fp[j];
        }
        double slope = (double) fp[j + 1] - fp[j]; // the x spacing is 1
        double r = slope * (x - j) + fp[j];
        if (Double.isNaN(r)) {
            r = slope * (x - (j + 1)) + fp[j + 1];
            if (Double.isNaN(r) && fp[j] == fp[j + 1]) {
                r = fp[j];
            }
        }
        return r;
    }

    static double[] reversed(double[] a) {
        double[] out = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = a[a.length - 1 - i];
        }
        return out;
    }
}
