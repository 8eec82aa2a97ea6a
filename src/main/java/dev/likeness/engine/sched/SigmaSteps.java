package dev.likeness.engine.sched;

/**
 * The timesteps and noise levels of an Euler-type run: float timesteps (fractional with linspace spacing) and the
 * sigma of each, interpolated linearly in the training sigmas as {@code np.interp} does, plus a final sigma.
 *
 * @param timesteps float32 timesteps, descending
 * @param sigmas one more entry than timesteps; the last is the final sigma
 */
record SigmaSteps(float[] timesteps, float[] sigmas) {

    static SigmaSteps interpolated(NoiseSchedule schedule, TimestepSpacing spacing, int steps, int stepsOffset,
            float finalSigma) {
        double[] ts = spacing.descending(schedule.numTrainTimesteps(), steps, stepsOffset);
        float[] table = schedule.sigmas();
        float[] timesteps = new float[ts.length];
        float[] sigmas = new float[ts.length + 1];
        for (int i = 0; i < ts.length; i++) {
            // diffusers stores the timesteps as float32 before np.interp sees them
            timesteps[i] = (float) ts[i];
            sigmas[i] = (float) ReferenceMath.numpyInterp(timesteps[i], table);
        }
        sigmas[ts.length] = finalSigma;
        return new SigmaSteps(timesteps, sigmas);
    }

    /** The schedule a sigma sampler runs on: zero-SNR rescaling keeps the last ᾱ at 2⁻²⁴ so that σ stays finite. */
    static NoiseSchedule noiseSchedule(SchedulerConfig c) {
        NoiseSchedule s = NoiseSchedule.of(c);
        return c.rescaleBetasZeroSnr() ? s.withLastAlphaCumprod(0x1.0p-24f) : s;
    }

    /** The sigma after the last step ({@code final_sigmas_type}): 0, or the smallest training sigma. */
    static float finalSigma(String type, NoiseSchedule schedule) {
        switch (type) {
            case "zero":
                return 0f;
            case "sigma_min":
                return schedule.sigmas()[0];
            default:
                throw new IllegalArgumentException("final_sigmas_type must be zero or sigma_min, got " + type);
        }
    }

    /** diffusers' {@code init_noise_sigma}: σ_max, or √(σ_max²+1) for leading spacing, in float32. */
    float initNoiseSigma(TimestepSpacing spacing) {
        float max = 0;
        for (float s : sigmas) {
            max = Math.max(max, s);
        }
        return spacing == TimestepSpacing.LEADING ? (float) Math.sqrt(max * max + 1f) : max;
    }

    /** The input scale 1/√(σ²+1), applied as a division by √(σ²+1) like diffusers. */
    float inputDivisor(int i) {
        float s = sigmas[i];
        return (float) Math.sqrt(s * s + 1f);
    }

    long[] truncatedTimesteps() {
        long[] out = new long[timesteps.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = (long) timesteps[i];
        }
        return out;
    }
}
