package dev.likeness.engine.sched;

import ai.djl.ndarray.NDArray;
import dev.likeness.engine.rng.TorchGenerator;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;

/**
 * diffusers' PNDMScheduler: pseudo linear multistep (PLMS), optionally after the Runge-Kutta warm-up (PRK) of
 * twelve model calls when {@code skip_prk_steps} is false. Without PRK the second timestep is the first one
 * repeated: PLMS re-evaluates it to average two model outputs.
 */
public final class PndmScheduler extends AlphaScheduler {
    private static final int ORDER = 4;

    private final NoiseSchedule schedule;
    private final int prkSteps;
    private final long[] prkTimesteps;
    private final int stepRatio;
    private final boolean v;
    private final float finalAlphaCumprod;

    /** Recent raw model outputs, newest last: copies this scheduler owns. */
    private final Deque<NDArray> ets = new ArrayDeque<>();
    private NDArray curSample;
    private NDArray curModelOutput;

    private static long[] concat(long[] a, long[] b) {
        long[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private PndmScheduler(NoiseSchedule schedule, long[] prkTimesteps, long[] plmsTimesteps, int stepRatio,
            boolean v, float finalAlphaCumprod) {
        super(concat(prkTimesteps, plmsTimesteps));
        this.schedule = schedule;
        this.prkTimesteps = prkTimesteps;
        this.prkSteps = prkTimesteps.length;
        this.stepRatio = stepRatio;
        this.v = v;
        this.finalAlphaCumprod = finalAlphaCumprod;
    }

    static PndmScheduler create(SchedulerConfig c, int steps) {
        if (c.predictionType() == PredictionType.SAMPLE) {
            throw new IllegalArgumentException("pndm supports prediction_type epsilon and v_prediction only");
        }
        int numTrain = c.numTrainTimesteps();
        // diffusers' PNDM has no zero-SNR option and ignores the key
        NoiseSchedule schedule = NoiseSchedule.of(c, false);
        long[] ascending = reverse(c.spacingOr(TimestepSpacing.LEADING).rounded(numTrain, steps, c.stepsOffset()));
        int n = ascending.length;
        long[] prk;
        long[] plms;
        if (c.flag("skip_prk_steps", false)) {
            prk = new long[0];
            // [t_{n-1}, t_{n-2}, t_{n-2}, t_{n-3}, ..., t_0]
            plms = new long[n + (n > 1 ? 1 : 0)];
            int k = 0;
            plms[k++] = ascending[n - 1];
            for (int j = n - 2; j >= 0; j--) {
                plms[k++] = ascending[j];
                if (j == n - 2) {
                    plms[k++] = ascending[j];
                }
            }
        } else {
            if (n < ORDER) {
                throw new IllegalArgumentException("pndm with the Runge-Kutta warm-up needs at least " + ORDER
                        + " steps (or skip_prk_steps=true)");
            }
            prk = prkTimesteps(ascending, numTrain / steps / 2);
            plms = new long[n - 3];
            for (int j = 0; j < plms.length; j++) {
                plms[j] = ascending[n - 4 - j];
            }
        }
        float finalAlpha = c.flag("set_alpha_to_one", false) ? 1f : schedule.alphaCumprod(0);
        return new PndmScheduler(schedule, prk, plms, numTrain / steps,
                c.predictionType() == PredictionType.V_PREDICTION, finalAlpha);
    }

    /** Each of the last four timesteps and its half-step midpoint, in the pairs the RK evaluations visit. */
    private static long[] prkTimesteps(long[] ascending, int half) {
        int n = ascending.length;
        long[] pairs = new long[2 * ORDER];
        for (int j = 0; j < ORDER; j++) {
            pairs[2 * j] = ascending[n - ORDER + j];
            pairs[2 * j + 1] = ascending[n - ORDER + j] + half;
        }
        // pairs[:-1].repeat(2)[1:-1], reversed
        long[] repeated = new long[2 * (pairs.length - 1)];
        for (int j = 0; j < pairs.length - 1; j++) {
            repeated[2 * j] = pairs[j];
            repeated[2 * j + 1] = pairs[j];
        }
        long[] out = new long[repeated.length - 2];
        for (int j = 0; j < out.length; j++) {
            out[j] = repeated[repeated.length - 2 - j];
        }
        return out;
    }

    private static long[] reverse(long[] a) {
        long[] out = new long[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = a[a.length - 1 - i];
        }
        return out;
    }

    @Override
    public NDArray step(NDArray modelOutput, int i, NDArray sample, TorchGenerator gen) {
        // like diffusers, the phase is decided by the number of calls so far, not by the index
        int counter = cursor.advance(i);
        NDArray out = counter < prkSteps
                ? stepPrk(modelOutput, counter, timesteps[i], sample)
                : stepPlms(modelOutput, counter, timesteps[i], sample);
        if (cursor.isLast(i)) {
            release();
        }
        return out;
    }

    private NDArray stepPrk(NDArray modelOutput, int counter, long timestep, NDArray sample) {
        long prevT = timestep - (counter % 2 == 1 ? 0 : stepRatio / 2);
        long t = prkTimesteps[counter / 4 * 4];
        return StepScope.result(() -> {
            NDArray output = modelOutput;
            switch (counter % 4) {
                case 0:
                    replaceModelOutputSum(modelOutput.mul((float) (1.0 / 6)));
                    ets.addLast(keepCopy(modelOutput));
                    StepScope.close(curSample);
                    curSample = keepCopy(sample);
                    break;
                case 1:
                case 2:
                    replaceModelOutputSum(curModelOutput.add(modelOutput.mul((float) (1.0 / 3))));
                    break;
                default:
                    output = curModelOutput.add(modelOutput.mul((float) (1.0 / 6)));
                    replaceModelOutputSum(null);
                    break;
            }
            return previousSample(curSample, t, prevT, output);
        });
    }

    private NDArray stepPlms(NDArray modelOutput, int counter, long timestep, NDArray sample) {
        long t = timestep;
        long prevT = timestep - stepRatio;
        if (counter != 1) {
            while (ets.size() > 3) {
                ets.removeFirst().close();
            }
        } else {
            // the repeated timestep: go again from the first sample, to the same target
            prevT = timestep;
            t = timestep + stepRatio;
        }
        long from = t;
        long to = prevT;
        return StepScope.result(() -> {
            if (counter != 1) {
                ets.addLast(keepCopy(modelOutput));
            }
            NDArray[] e = newestFirst();
            NDArray output;
            NDArray x = sample;
            if (e.length == 1 && counter == 0) {
                output = modelOutput;
                StepScope.close(curSample);
                curSample = keepCopy(sample);
            } else if (e.length == 1 && counter == 1) {
                output = modelOutput.add(e[0]).div(2f);
                x = curSample;
            } else if (e.length == 2) {
                output = e[0].mul(3f).sub(e[1]).div(2f);
            } else if (e.length == 3) {
                output = e[0].mul(23f).sub(e[1].mul(16f)).add(e[2].mul(5f)).div(12f);
            } else {
                output = e[0].mul(55f).sub(e[1].mul(59f)).add(e[2].mul(37f)).sub(e[3].mul(9f))
                        .mul((float) (1.0 / 24));
            }
            NDArray prev = previousSample(x, from, to, output);
            if (counter == 1) {
                StepScope.close(curSample);
                curSample = null;
            }
            return prev;
        });
    }

    /** diffusers' {@code _get_prev_sample}: formula (9) of the PNDM paper. */
    private NDArray previousSample(NDArray sample, long t, long prevT, NDArray modelOutput) {
        float alpha = schedule.alphaCumprod(t);
        float alphaPrev = prevT >= 0 ? schedule.alphaCumprod(prevT) : finalAlphaCumprod;
        float beta = 1f - alpha;
        float betaPrev = 1f - alphaPrev;
        NDArray eps = modelOutput;
        if (v) {
            eps = modelOutput.mul((float) Math.sqrt(alpha)).add(sample.mul((float) Math.sqrt(beta)));
        }
        float sampleCoeff = (float) Math.sqrt(alphaPrev / alpha);
        float denom = alpha * (float) Math.sqrt(betaPrev) + (float) Math.sqrt(alpha * beta * alphaPrev);
        return sample.mul(sampleCoeff).sub(eps.mul(alphaPrev - alpha).div(denom));
    }

    private NDArray[] newestFirst() {
        NDArray[] out = new NDArray[ets.size()];
        Iterator<NDArray> it = ets.descendingIterator();
        for (int k = 0; it.hasNext(); k++) {
            out[k] = it.next();
        }
        return out;
    }

    private void replaceModelOutputSum(NDArray sum) {
        StepScope.close(curModelOutput);
        curModelOutput = sum == null ? null : StepScope.detach(sum);
    }

    private static NDArray keepCopy(NDArray a) {
        return StepScope.detach(a.duplicate());
    }

    private void release() {
        while (!ets.isEmpty()) {
            ets.removeFirst().close();
        }
        StepScope.close(curSample);
        StepScope.close(curModelOutput);
        curSample = null;
        curModelOutput = null;
    }

    @Override
    public NDArray addNoise(NDArray original, NDArray noise, int i) {
        cursor.check(i);
        return schedule.addNoise(original, noise, timesteps[i]);
    }
}
