package dev.likeness.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * torch.optim.AdamW with bias correction and decoupled weight decay, updating parameters in place. Its moments
 * live in their own manager and can be saved to and restored from a checkpoint exactly. (DJL's Adam uses the
 * "epsilon-hat" variant, which does not match torch.)
 */
public final class AdamW implements AutoCloseable {
    private final double beta1;
    private final double beta2;
    private final double eps;
    private final double weightDecay;
    private final NDManager state;
    private final Map<String, NDArray> m = new LinkedHashMap<>();
    private final Map<String, NDArray> v = new LinkedHashMap<>();
    private long steps;

    public AdamW(NDManager parent, double beta1, double beta2, double eps, double weightDecay) {
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.weightDecay = weightDecay;
        this.state = parent.newSubManager();
    }

    /** diffusers' training defaults: betas (0.9, 0.999), eps 1e-8. */
    public static AdamW defaults(NDManager parent, double weightDecay) {
        return new AdamW(parent, 0.9, 0.999, 1e-8, weightDecay);
    }

    /** One update of every parameter that has a gradient, all at one learning rate. */
    public void step(Map<String, NDArray> params, Map<String, NDArray> grads, double lr) {
        step(params, grads, name -> lr);
    }

    /** One update of every parameter that has a gradient, each at its own learning rate. Runs with grad mode off. */
    public void step(Map<String, NDArray> params, Map<String, NDArray> grads,
            java.util.function.ToDoubleFunction<String> lrOf) {
        steps++;
        double bc1 = 1 - Math.pow(beta1, steps);
        double bc2 = 1 - Math.pow(beta2, steps);
        GradMode.off(() -> {
            for (Map.Entry<String, NDArray> e : params.entrySet()) {
                NDArray g = grads.get(e.getKey());
                if (g == null) {
                    continue;
                }
                NDArray p = e.getValue();
                double lr = lrOf.applyAsDouble(e.getKey());
                NDArray mi = m.computeIfAbsent(e.getKey(), k -> persistent(state.zeros(p.getShape(), p.getDataType())));
                NDArray vi = v.computeIfAbsent(e.getKey(), k -> persistent(state.zeros(p.getShape(), p.getDataType())));
                try (NDScope scope = new NDScope()) {
                    mi.muli((float) beta1).addi(g.mul((float) (1 - beta1)));
                    vi.muli((float) beta2).addi(g.square().mul((float) (1 - beta2)));
                    if (weightDecay != 0) {
                        p.muli((float) (1 - lr * weightDecay));
                    }
                    NDArray denom = vi.div((float) bc2).sqrt().add((float) eps);
                    p.subi(mi.div(denom).mul((float) (lr / bc1)));
                }
            }
        });
    }

    /** State outlives any NDScope the caller is in. */
    private static NDArray persistent(NDArray a) {
        NDScope.unregister(a);
        return a;
    }

    public long steps() {
        return steps;
    }

    /** Moments as tensors named "m.<param>", "v.<param>" (for checkpoints). */
    public Map<String, NDArray> stateTensors() {
        Map<String, NDArray> out = new LinkedHashMap<>();
        m.forEach((k, a) -> out.put("m." + k, a));
        v.forEach((k, a) -> out.put("v." + k, a));
        return out;
    }

    public void restore(Map<String, NDArray> tensors, long stepCount) {
        tensors.forEach((k, a) -> {
            NDArray copy = a.duplicate();
            copy.attach(state);
            if (k.startsWith("m.")) {
                m.put(k.substring(2), copy);
            } else if (k.startsWith("v.")) {
                v.put(k.substring(2), copy);
            }
        });
        steps = stepCount;
    }

    @Override
    public void close() {
        state.close();
    }
}
