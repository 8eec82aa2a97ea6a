package dev.likeness.engine.sched;

import ai.djl.ndarray.NDArray;
import dev.likeness.engine.rng.TorchGenerator;
import java.util.Set;

/**
 * diffusers' DPMSolverMultistepScheduler with {@code algorithm_type="dpmsolver++"}: DPM-Solver++(2M) with the
 * midpoint update, first order on the first step and (by default) on the last ones.
 */
public final class DpmSolverMultistepScheduler extends AlphaScheduler {
    private static final Set<String> MIDPOINT_ALIASES = Set.of("midpoint", "logrho", "bh1", "bh2");

    private final float[] sigmas;
    private final PredictionType prediction;
    private final int solverOrder;
    private final boolean lowerOrderFinal;
    private final boolean eulerAtFinal;
    private final boolean finalSigmaZero;

    /** The previous step's x0 prediction, which this scheduler owns. */
    private NDArray previous;

    private DpmSolverMultistepScheduler(long[] timesteps, float[] sigmas, PredictionType prediction,
            int solverOrder, boolean lowerOrderFinal, boolean eulerAtFinal, boolean finalSigmaZero) {
        super(timesteps);
        this.sigmas = sigmas;
        this.prediction = prediction;
        this.solverOrder = solverOrder;
        this.lowerOrderFinal = lowerOrderFinal;
        this.eulerAtFinal = eulerAtFinal;
        this.finalSigmaZero = finalSigmaZero;
    }

    static DpmSolverMultistepScheduler create(SchedulerConfig c, int steps) {
        String algorithm = c.text("algorithm_type", "dpmsolver++");
        if (!algorithm.equals("dpmsolver++") && !algorithm.equals("deis")) {
            throw new IllegalArgumentException("dpmpp_2m supports algorithm_type dpmsolver++ only, got " + algorithm);
        }
        String solverType = c.text("solver_type", "midpoint");
        if (!MIDPOINT_ALIASES.contains(solverType)) {
            throw new IllegalArgumentException("dpmpp_2m supports solver_type midpoint only, got " + solverType);
        }
        int order = c.integer("solver_order", 2);
        if (order != 1 && order != 2) {
            throw new IllegalArgumentException("dpmpp_2m supports solver_order 1 or 2, got " + order);
        }
        for (String key : new String[] {"thresholding", "use_karras_sigmas", "use_exponential_sigmas",
                "use_beta_sigmas", "use_lu_lambdas", "use_flow_sigmas"}) {
            c.requireOff(key, "dpmpp_2m");
        }
        String variance = c.text("variance_type", null);
        if ("learned".equals(variance) || "learned_range".equals(variance)) {
            throw new IllegalArgumentException("dpmpp_2m does not support variance_type " + variance);
        }
        NoiseSchedule schedule = SigmaSteps.noiseSchedule(c);
        String finalType = c.text("final_sigmas_type", "zero");
        int last = lastTimestep(schedule, c.number("lambda_min_clipped", Double.NEGATIVE_INFINITY));
        long[] timesteps = timesteps(c.spacingOr(TimestepSpacing.LINSPACE), c.numTrainTimesteps(), last, steps,
                c.stepsOffset());
        float[] table = schedule.sigmas();
        float[] sigmas = new float[timesteps.length + 1];
        for (int i = 0; i < timesteps.length; i++) {
            sigmas[i] = (float) ReferenceMath.numpyInterp(timesteps[i], table);
        }
        sigmas[timesteps.length] = SigmaSteps.finalSigma(finalType, schedule);
        return new DpmSolverMultistepScheduler(timesteps, sigmas, c.predictionType(), order,
                c.flag("lower_order_final", true), c.flag("euler_at_final", false), finalType.equals("zero"));
    }

    /** One past the last usable training timestep: those whose λ falls below {@code lambda_min_clipped} are cut. */
    private static int lastTimestep(NoiseSchedule schedule, double lambdaMinClipped) {
        float[] ac = schedule.alphasCumprod();
        int n = ac.length;
        int below = 0;
        // λ decreases with t; count the flipped (ascending) values below the threshold, as searchsorted does
        for (int t = n - 1; t >= 0; t--) {
            float alpha = (float) Math.sqrt(ac[t]);
            float sigma = (float) Math.sqrt(1f - ac[t]);
            float lambda = (float) Math.log(alpha) - (float) Math.log(sigma);
            if (lambda < lambdaMinClipped) {
                below++;
            } else {
                break;
            }
        }
        return n - below;
    }

    /** DPM-Solver's spacings: n+1 points with the last (t=0 end) dropped. */
    private static long[] timesteps(TimestepSpacing spacing, int numTrain, int last, int steps, int offset) {
        switch (spacing) {
            case LINSPACE: {
                double[] points = ReferenceMath.numpyLinspace(0, last - 1, steps + 1);
                long[] out = new long[steps];
                for (int k = 0; k < steps; k++) {
                    out[k] = (long) Math.rint(points[steps - k]);
                }
                return out;
            }
            case LEADING: {
                int ratio = last / (steps + 1);
                long[] out = new long[steps];
                for (int k = 0; k < steps; k++) {
                    out[k] = (long) (steps - k) * ratio + offset;
                }
                return out;
            }
            case TRAILING: {
                double[] points = ReferenceMath.numpyArange(last, 0, -(double) numTrain / steps);
                long[] out = new long[points.length];
                for (int k = 0; k < out.length; k++) {
                    out[k] = (long) Math.rint(points[k]) - 1;
                }
                return out;
            }
            default:
                throw new AssertionError(spacing);
        }
    }

    @Override
    public NDArray step(NDArray modelOutput, int i, NDArray sample, TorchGenerator gen) {
        int taken = cursor.advance(i);
        int n = timesteps.length;
        boolean finalFirstOrder = i == n - 1 && (eulerAtFinal || (lowerOrderFinal && n < 15) || finalSigmaZero);
        boolean firstOrder = solverOrder == 1 || taken < 1 || finalFirstOrder;
        NDArray[] kept = new NDArray[1];
        NDArray out = StepScope.result(() -> {
            NDArray x0 = denoised(modelOutput, sample, sigmas[i]);
            NDArray next = firstOrder ? firstOrderUpdate(x0, sample, i) : secondOrderUpdate(x0, previous, sample, i);
            kept[0] = StepScope.detach(x0 == modelOutput ? x0.duplicate() : x0);
            return next;
        });
        StepScope.close(previous);
        previous = kept[0];
        if (cursor.isLast(i)) {
            StepScope.close(previous);
            previous = null;
        }
        return out;
    }

    /** diffusers' {@code convert_model_output} for dpmsolver++: the data prediction x0. */
    private NDArray denoised(NDArray modelOutput, NDArray sample, float sigma) {
        float alpha = alphaOf(sigma);
        float sigmaT = sigma * alpha;
        switch (prediction) {
            case EPSILON:
                return sample.sub(modelOutput.mul(sigmaT)).div(alpha);
            case V_PREDICTION:
                return sample.mul(alpha).sub(modelOutput.mul(sigmaT));
            case SAMPLE:
                return modelOutput;
            default:
                throw new AssertionError(prediction);
        }
    }

    private NDArray firstOrderUpdate(NDArray x0, NDArray sample, int i) {
        float alphaT = alphaOf(sigmas[i + 1]);
        float sigmaT = sigmas[i + 1] * alphaT;
        float alphaS = alphaOf(sigmas[i]);
        float sigmaS = sigmas[i] * alphaS;
        float h = lambda(alphaT, sigmaT) - lambda(alphaS, sigmaS);
        float expm = alphaT * ((float) Math.exp(-h) - 1f);
        return sample.mul(sigmaT / sigmaS).sub(x0.mul(expm));
    }

    private NDArray secondOrderUpdate(NDArray m0, NDArray m1, NDArray sample, int i) {
        float alphaT = alphaOf(sigmas[i + 1]);
        float sigmaT = sigmas[i + 1] * alphaT;
        float alpha0 = alphaOf(sigmas[i]);
        float sigma0 = sigmas[i] * alpha0;
        float alpha1 = alphaOf(sigmas[i - 1]);
        float sigma1 = sigmas[i - 1] * alpha1;
        float lambdaT = lambda(alphaT, sigmaT);
        float lambda0 = lambda(alpha0, sigma0);
        float lambda1 = lambda(alpha1, sigma1);
        float h = lambdaT - lambda0;
        float r0 = (lambda0 - lambda1) / h;
        float expm = alphaT * ((float) Math.exp(-h) - 1f);
        NDArray d1 = m0.sub(m1).mul(1f / r0);
        return sample.mul(sigmaT / sigma0).sub(m0.mul(expm)).sub(d1.mul(0.5f * expm));
    }

    /** α_t = 1/√(σ²+1) for the variance-exploding σ. */
    private static float alphaOf(float sigma) {
        return 1f / (float) Math.sqrt(sigma * sigma + 1f);
    }

    private static float lambda(float alpha, float sigma) {
        return (float) Math.log(alpha) - (float) Math.log(sigma);
    }

    @Override
    public NDArray addNoise(NDArray original, NDArray noise, int i) {
        cursor.check(i);
        float alpha = alphaOf(sigmas[i]);
        float sigma = sigmas[i] * alpha;
        return StepScope.result(() -> original.mul(alpha).add(noise.mul(sigma)));
    }
}
