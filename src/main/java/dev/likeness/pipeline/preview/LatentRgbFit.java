package dev.likeness.pipeline.preview;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.likeness.engine.rng.TorchGenerator;
import dev.likeness.pipeline.SdModel;
import dev.likeness.util.Json;

/**
 * Fits a model's {@link LatentRgbMap} from its own VAE: decodes a set of latents, averages each decoded image over
 * the VAE's f×f pixel blocks (one block per latent pixel) and solves the least-squares problem
 * [z, 1]·[W; b] ≈ rgb. The latents are smooth random fields plus fine noise, with per-channel offsets: x̂₀ during
 * sampling looks like that far more than like white noise. Latent pixels on the border are left out (the decoder's
 * padding colours them).
 */
public final class LatentRgbFit {
    /** How the fit is made: {@code samples} latents of {@code size × size}, drawn from {@code seed}. */
    public record Settings(int samples, int size, long seed) {
        public static final Settings DEFAULT = new Settings(4, 12, 0); // 400 rows for 5 unknowns a colour: a real VAE fits in seconds on CPU

        public Settings {
            if (samples < 1 || size < 3) {
                throw new IllegalArgumentException("a fit needs at least 1 sample of at least 3×3 latents");
            }
        }
    }

    /**
     * A fitted map and how well it fits: per colour the root-mean-square error (in [0, 1] units) and the share of
     * the decoded colour's variance it explains.
     */
    public record Result(LatentRgbMap map, Settings settings, long pixels, double[] rmse, double[] r2,
            double seconds) {
        public ObjectNode toJson() {
            ObjectNode o = Json.MAPPER.createObjectNode();
            o.set("map", map.toJson());
            o.put("samples", settings.samples()).put("latentSize", settings.size()).put("seed", settings.seed());
            o.put("pixels", pixels);
            o.set("rmse", Json.MAPPER.valueToTree(rmse));
            o.set("rmseLevels", Json.MAPPER.valueToTree(new double[] {rmse[0] * 255, rmse[1] * 255, rmse[2] * 255}));
            o.set("r2", Json.MAPPER.valueToTree(r2));
            o.put("seconds", Math.round(seconds * 1000) / 1000.0);
            return o;
        }
    }

    private LatentRgbFit() {}

    public static Result fit(SdModel model, Settings settings) {
        long t0 = System.nanoTime();
        int c = model.vae().config().latentChannels();
        int f = model.vaeScale();
        int n = settings.size();
        LeastSquares ls = new LeastSquares(c + 1, 3);
        TorchGenerator gen = new TorchGenerator(settings.seed());
        float[][] samples = new float[settings.samples()][];
        float[][] colours = new float[settings.samples()][];
        for (int s = 0; s < settings.samples(); s++) {
            samples[s] = latent(gen, c, n);
            colours[s] = decodeBlocks(model, samples[s], c, n, f);
            addRows(ls, samples[s], colours[s], c, n);
        }
        double[][] coef = ls.solve(); // (c + 1) × 3, the bias last
        double[][] weights = new double[c][];
        System.arraycopy(coef, 0, weights, 0, c);
        LatentRgbMap map = new LatentRgbMap(weights, coef[c]);
        double[][] err = errors(map, samples, colours, c, n);
        return new Result(map, settings, (long) settings.samples() * (n - 2) * (n - 2), err[0], err[1],
                (System.nanoTime() - t0) / 1e9);
    }

    /** A smooth 4×4 field upsampled to n×n, a per-channel offset and a little white noise. */
    static float[] latent(TorchGenerator gen, int c, int n) {
        float[] coarse = gen.randn(c * 16);
        float[] fine = gen.randn(c * n * n);
        float[] offset = gen.randn(c);
        float[] z = new float[c * n * n];
        for (int ch = 0; ch < c; ch++) {
            for (int y = 0; y < n; y++) {
                for (int x = 0; x < n; x++) {
                    double gy = y * 3.0 / (n - 1);
                    double gx = x * 3.0 / (n - 1);
                    int y0 = Math.min((int) gy, 2);
                    int x0 = Math.min((int) gx, 2);
                    double fy = gy - y0;
                    double fx = gx - x0;
                    int base = ch * 16;
                    double v = coarse[base + y0 * 4 + x0] * (1 - fy) * (1 - fx) + coarse[base + y0 * 4 + x0 + 1] * (1 - fy) * fx
                            + coarse[base + (y0 + 1) * 4 + x0] * fy * (1 - fx) + coarse[base + (y0 + 1) * 4 + x0 + 1] * fy * fx;
                    int i = ch * n * n + y * n + x;
                    z[i] = (float) (v + 0.5 * offset[ch] + 0.3 * fine[i]);
                }
            }
        }
        return z;
    }

    /** Decodes scaled latents and averages the picture (in [0, 1], unclipped) over each f×f block: 3 × n × n. */
    static float[] decodeBlocks(SdModel model, float[] z, int c, int n, int f) {
        float[] pixels;
        try (NDScope scope = new NDScope(); NDManager m = model.manager().newSubManager()) {
            NDArray latents = m.create(z, new Shape(1, c, n, n)).div(model.vae().config().scalingFactor())
                    .toType(model.computeType(), false);
            pixels = model.vae().decode(latents).toType(DataType.FLOAT32, false).div(2f).add(0.5f).toFloatArray();
        }
        int side = n * f;
        float[] blocks = new float[3 * n * n];
        for (int k = 0; k < 3; k++) {
            for (int y = 0; y < side; y++) {
                for (int x = 0; x < side; x++) {
                    blocks[k * n * n + (y / f) * n + x / f] += pixels[k * side * side + y * side + x];
                }
            }
        }
        float area = f * f;
        for (int i = 0; i < blocks.length; i++) {
            blocks[i] /= area;
        }
        return blocks;
    }

    private static void addRows(LeastSquares ls, float[] z, float[] rgb, int c, int n) {
        double[] row = new double[c + 1];
        double[] target = new double[3];
        for (int y = 1; y < n - 1; y++) {
            for (int x = 1; x < n - 1; x++) {
                int p = y * n + x;
                for (int ch = 0; ch < c; ch++) {
                    row[ch] = z[ch * n * n + p];
                }
                row[c] = 1;
                for (int k = 0; k < 3; k++) {
                    target[k] = rgb[k * n * n + p];
                }
                ls.add(row, target);
            }
        }
    }

    /** Per colour: RMSE and R² of the map over the interior pixels. */
    private static double[][] errors(LatentRgbMap map, float[][] samples, float[][] colours, int c, int n) {
        double[] sq = new double[3];
        double[] sum = new double[3];
        double[] sumSq = new double[3];
        long count = 0;
        for (int s = 0; s < samples.length; s++) {
            for (int y = 1; y < n - 1; y++) {
                for (int x = 1; x < n - 1; x++) {
                    int p = y * n + x;
                    for (int k = 0; k < 3; k++) {
                        double v = map.bias()[k];
                        for (int ch = 0; ch < c; ch++) {
                            v += map.weights()[ch][k] * samples[s][ch * n * n + p];
                        }
                        double t = colours[s][k * n * n + p];
                        sq[k] += (v - t) * (v - t);
                        sum[k] += t;
                        sumSq[k] += t * t;
                    }
                    count++;
                }
            }
        }
        double[] rmse = new double[3];
        double[] r2 = new double[3];
        for (int k = 0; k < 3; k++) {
            rmse[k] = Math.sqrt(sq[k] / count);
            double variance = sumSq[k] / count - (sum[k] / count) * (sum[k] / count);
            r2[k] = variance > 1e-12 ? 1 - (sq[k] / count) / variance : 1;
        }
        return new double[][] {rmse, r2};
    }
}
