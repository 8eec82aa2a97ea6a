package dev.likeness.engine.nn;

import ai.djl.ndarray.NDArray;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** y = x·Wᵀ + b, with optional adapters (LoRA, Perfusion) applied on top. */
public final class Linear {
    private final String path;
    private final NDArray weight;
    private final NDArray bias;
    private final List<LinearAdapter> adapters = new CopyOnWriteArrayList<>();

    public Linear(Params p, long in, long out, boolean hasBias) {
        this.path = p.prefix();
        this.weight = p.get("weight", out, in);
        this.bias = hasBias ? p.get("bias", out) : null;
    }

    public NDArray forward(NDArray x) {
        NDArray y = ai.djl.nn.core.Linear.linear(x, weight, bias).singletonOrThrow();
        for (LinearAdapter a : adapters) {
            y = a.apply(x, y);
        }
        return y;
    }

    public String path() {
        return path;
    }

    public NDArray weight() {
        return weight;
    }

    public NDArray bias() {
        return bias;
    }

    public void addAdapter(LinearAdapter adapter) {
        adapters.add(adapter);
    }

    public void removeAdapter(LinearAdapter adapter) {
        adapters.remove(adapter);
    }

    public List<LinearAdapter> adapters() {
        return List.copyOf(adapters);
    }
}
