package dev.likeness.engine.sched;

import ai.djl.ndarray.NDArray;

/**
 * Base of the Euler-family samplers that work on σ (diffusers' Euler and Euler ancestral): inputs scaled by
 * 1/√(σ²+1), fractional model timesteps, noise added as x + σ·ε, and the Euler move along the derivative.
 */
abstract class SigmaScheduler implements Scheduler {
    protected final SigmaSteps steps;
    protected final PredictionType prediction;
    protected final StepCursor cursor;
    private final float initNoiseSigma;

    protected SigmaScheduler(SigmaSteps steps, float initNoiseSigma, PredictionType prediction) {
        this.steps = steps;
        this.initNoiseSigma = initNoiseSigma;
        this.prediction = prediction;
        this.cursor = new StepCursor(steps.timesteps().length);
    }

    @Override
    public long[] timesteps() {
        return steps.truncatedTimesteps();
    }

    @Override
    public float[] modelTimesteps() {
        return steps.timesteps().clone();
    }

    @Override
    public float initNoiseSigma() {
        return initNoiseSigma;
    }

    @Override
    public void setBeginIndex(int index) {
        cursor.setBegin(index);
    }

    @Override
    public NDArray scaleModelInput(NDArray sample, int i) {
        cursor.check(i);
        float divisor = steps.inputDivisor(i);
        return StepScope.result(() -> sample.div(divisor));
    }

    @Override
    public NDArray addNoise(NDArray original, NDArray noise, int i) {
        cursor.check(i);
        float sigma = steps.sigmas()[i];
        return StepScope.result(() -> original.add(noise.mul(sigma)));
    }

    /** sample + (sample − x̂₀)/σ · dt: the Euler move from σ by dt, x̂₀ from the model output. */
    protected NDArray eulerMove(NDArray modelOutput, NDArray sample, float sigma, float dt) {
        NDArray x0 = predictOriginal(modelOutput, sample, sigma);
        NDArray derivative = sample.sub(x0).div(sigma);
        return sample.add(derivative.mul(dt));
    }

    /** The denoised estimate at noise level sigma. */
    private NDArray predictOriginal(NDArray modelOutput, NDArray sample, float sigma) {
        switch (prediction) {
            case EPSILON:
                return sample.sub(modelOutput.mul(sigma));
            case V_PREDICTION: {
                float sq = sigma * sigma + 1f;
                return modelOutput.mul(-sigma / (float) Math.sqrt(sq)).add(sample.div(sq));
            }
            case SAMPLE:
                return modelOutput;
            default:
                throw new AssertionError(prediction);
        }
    }
}
