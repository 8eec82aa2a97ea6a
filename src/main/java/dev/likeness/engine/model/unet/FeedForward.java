package dev.likeness.engine.model.unet;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import dev.likeness.engine.nn.Linear;
import dev.likeness.engine.nn.Ops;
import dev.likeness.engine.nn.Params;

/** The transformer feed-forward with a GEGLU gate: (x·W₁ split into h, g) → h·gelu(g) → W₂. */
final class FeedForward {
    private final Linear proj;
    private final Linear out;

    FeedForward(Params p, long dim) {
        long inner = dim * 4;
        proj = new Linear(p.sub("net.0.proj"), dim, inner * 2, true);
        out = new Linear(p.sub("net.2"), inner, dim, true);
    }

    NDArray forward(NDArray x) {
        NDArray y = proj.forward(x);
        NDList parts = y.split(2, y.getShape().dimension() - 1);
        return out.forward(parts.get(0).mul(Ops.gelu(parts.get(1))));
    }
}
