package dev.likeness.engine.sched;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;

/**
 * The training noise schedule: betas and ᾱ_t = Π(1−β), in float32 exactly as diffusers builds them, plus the forward
 * process used for training ({@code add_noise}, {@code get_velocity}).
 */
public final class NoiseSchedule {
    private final float[] betas;
    private final float[] alphasCumprod;

    private NoiseSchedule(float[] betas, float[] alphasCumprod) {
        this.betas = betas;
        this.alphasCumprod = alphasCumprod;
    }

    /** The schedule of {@code config}, with zero-terminal-SNR rescaling where it asks for it. */
    public static NoiseSchedule of(SchedulerConfig config) {
        return of(config, config.rescaleBetasZeroSnr());
    }

    /** PNDM has no zero-SNR option in diffusers, so it builds its schedule with {@code rescale} false. */
    static NoiseSchedule of(SchedulerConfig config, boolean rescale) {
        float[] betas = config.trainedBetas() != null ? config.trainedBetas()
                : config.betaSchedule().betas(config.numTrainTimesteps(), config.betaStart(), config.betaEnd());
        if (rescale) {
            betas = rescaleZeroTerminalSnr(betas);
        }
        return fromBetas(betas);
    }

    static NoiseSchedule fromBetas(float[] betas) {
        float[] alphas = new float[betas.length];
        for (int i = 0; i < betas.length; i++) {
            alphas[i] = 1f - betas[i];
        }
        return new NoiseSchedule(betas.clone(), ReferenceMath.torchCumprod(alphas));
    }

    /**
     * Algorithm 1 of "Common Diffusion Noise Schedules and Sample Steps are Flawed", in float32 like diffusers'
     * {@code rescale_zero_terminal_snr}: shift and scale √ᾱ so that the last one is 0, then recover the betas.
     */
    static float[] rescaleZeroTerminalSnr(float[] betas) {
        int n = betas.length;
        float[] alphas = new float[n];
        for (int i = 0; i < n; i++) {
            alphas[i] = 1f - betas[i];
        }
        float[] cumprod = ReferenceMath.torchCumprod(alphas);
        float[] root = new float[n];
        for (int i = 0; i < n; i++) {
            root[i] = (float) Math.sqrt(cumprod[i]);
        }
        float first = root[0];
        float last = root[n - 1];
        float scale = first / (first - last);
        float[] bar = new float[n];
        for (int i = 0; i < n; i++) {
            float shifted = (root[i] - last) * scale;
            bar[i] = shifted * shifted;
        }
        float[] out = new float[n];
        out[0] = 1f - bar[0];
        for (int i = 1; i < n; i++) {
            out[i] = 1f - bar[i] / bar[i - 1];
        }
        return out;
    }

    /**
     * A copy whose last ᾱ is replaced; the sigma-based samplers set it to 2⁻²⁴ after zero-SNR rescaling so that
     * the largest sigma stays finite.
     */
    NoiseSchedule withLastAlphaCumprod(float value) {
        float[] ac = alphasCumprod.clone();
        ac[ac.length - 1] = value;
        return new NoiseSchedule(betas, ac);
    }

    public int numTrainTimesteps() {
        return betas.length;
    }

    public float[] betas() {
        return betas.clone();
    }

    public float[] alphasCumprod() {
        return alphasCumprod.clone();
    }

    /** ᾱ_t for a training timestep t. */
    public float alphaCumprod(long t) {
        if (t < 0 || t >= alphasCumprod.length) {
            throw new IllegalArgumentException("timestep " + t + " outside [0, " + alphasCumprod.length + ")");
        }
        return alphasCumprod[(int) t];
    }

    /** σ_t = √((1−ᾱ_t)/ᾱ_t) for every training timestep, in float32 like torch. */
    public float[] sigmas() {
        float[] out = new float[alphasCumprod.length];
        for (int i = 0; i < out.length; i++) {
            float a = alphasCumprod[i];
            out[i] = (float) Math.sqrt((1f - a) / a);
        }
        return out;
    }

    /** √ᾱ_t·x0 + √(1−ᾱ_t)·noise, one timestep per batch item (DDPMScheduler.add_noise). */
    public NDArray addNoise(NDArray x0, NDArray noise, long[] timesteps) {
        return StepScope.result(() -> {
            NDArray[] c = coefficients(x0, timesteps);
            return x0.mul(c[0]).add(noise.mul(c[1]));
        });
    }

    /** {@link #addNoise(NDArray, NDArray, long[])} with one timestep for the whole batch (img2img start). */
    public NDArray addNoise(NDArray x0, NDArray noise, long timestep) {
        long[] t = new long[Math.toIntExact(x0.getShape().get(0))];
        Arrays.fill(t, timestep);
        return addNoise(x0, noise, t);
    }

    /** The v-prediction target √ᾱ_t·noise − √(1−ᾱ_t)·x0 (DDPMScheduler.get_velocity). */
    public NDArray getVelocity(NDArray x0, NDArray noise, long[] timesteps) {
        return StepScope.result(() -> {
            NDArray[] c = coefficients(x0, timesteps);
            return noise.mul(c[0]).sub(x0.mul(c[1]));
        });
    }

    /**
     * √ᾱ and √(1−ᾱ) shaped (B, 1, …) in the sample's dtype. The roots are taken in Java: they round correctly,
     * as diffusers' float32 roots do, where libtorch's vectorised sqrt can be an ulp off.
     */
    private NDArray[] coefficients(NDArray x, long[] timesteps) {
        long batch = x.getShape().get(0);
        if (timesteps.length != batch) {
            throw new IllegalArgumentException(timesteps.length + " timesteps for a batch of " + batch);
        }
        float[] signal = new float[timesteps.length];
        float[] noise = new float[timesteps.length];
        for (int i = 0; i < timesteps.length; i++) {
            float a = alphaCumprod(timesteps[i]);
            signal[i] = (float) Math.sqrt(a);
            noise[i] = (float) Math.sqrt(1f - a);
        }
        long[] dims = new long[x.getShape().dimension()];
        Arrays.fill(dims, 1);
        dims[0] = batch;
        Shape shape = new Shape(dims);
        NDManager m = x.getManager();
        return new NDArray[] {onDeviceOf(x, m.create(signal, shape)), onDeviceOf(x, m.create(noise, shape))};
    }

    /**
     * A torch-owned clone on the sample's device and dtype: autograd may keep the coefficient for the backward pass
     * after this scope closes the Java-buffer-backed original. (DJL's toType(sameType, copy=true) returns an alias,
     * not a copy, so duplicate() is what clones.)
     */
    private static NDArray onDeviceOf(NDArray like, NDArray a) {
        return a.toDevice(like.getDevice(), false).toType(like.getDataType(), false).duplicate();
    }
}
