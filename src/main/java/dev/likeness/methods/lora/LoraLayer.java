package dev.likeness.methods.lora;

import ai.djl.ndarray.NDArray;
import dev.likeness.engine.nn.LinearAdapter;
import dev.likeness.engine.nn.Ops;

/**
 * A low-rank delta on one projection: y + m·(α/r)·(x·Aᵀ)·Bᵀ with A = {@code down} (r × in) and B = {@code up}
 * (out × r). With multiplier m = 0 the projection's own output is returned untouched (bit-identical), which is how a
 * method turns LoRA off for a teacher pass.
 */
public final class LoraLayer implements LinearAdapter {
    private final String path;
    private final NDArray down;
    private final NDArray up;
    private final float alpha;
    private volatile float multiplier = 1f;

    public LoraLayer(String path, NDArray down, NDArray up, float alpha) {
        if (down.getShape().dimension() != 2 || up.getShape().dimension() != 2
                || down.getShape().get(0) != up.getShape().get(1)) {
            throw new IllegalArgumentException("LoRA " + path + ": down " + down.getShape() + " and up "
                    + up.getShape() + " do not form a rank-r pair");
        }
        this.path = path;
        this.down = down;
        this.up = up;
        this.alpha = alpha;
    }

    @Override
    public NDArray apply(NDArray x, NDArray y) {
        float scale = multiplier * alpha / rank();
        if (scale == 0f) {
            return y;
        }
        NDArray a = down.getDataType() == x.getDataType() ? down : down.toType(x.getDataType(), false);
        NDArray b = up.getDataType() == x.getDataType() ? up : up.toType(x.getDataType(), false);
        NDArray delta = ai.djl.nn.core.Linear.linear(ai.djl.nn.core.Linear.linear(x, a, null).singletonOrThrow(),
                b, null).singletonOrThrow();
        return y.add(scale == 1f ? delta : Ops.scale(delta, scale));
    }

    /** Module path with its component, e.g. {@code unet.down_blocks.0.attentions.0.transformer_blocks.0.attn1.to_q}. */
    public String path() {
        return path;
    }

    public NDArray down() {
        return down;
    }

    public NDArray up() {
        return up;
    }

    public float alpha() {
        return alpha;
    }

    public int rank() {
        return (int) down.getShape().get(0);
    }

    public void setMultiplier(float m) {
        this.multiplier = m;
    }

    public float multiplier() {
        return multiplier;
    }
}
