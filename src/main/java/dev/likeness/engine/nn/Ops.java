package dev.likeness.engine.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;

/** Small composed activations DJL does not have as single ops. */
public final class Ops {
    private Ops() {}

    public static NDArray silu(NDArray x) {
        return x.mul(Activation.sigmoid(x));
    }

    /** CLIP's quick_gelu: x·σ(1.702x). */
    public static NDArray quickGelu(NDArray x) {
        return x.mul(Activation.sigmoid(x.mul(1.702f)));
    }

    /** Exact (erf) GELU, as torch's default. */
    public static NDArray gelu(NDArray x) {
        return Activation.gelu(x);
    }

    public static NDArray activation(String name, NDArray x) {
        return switch (name) {
            case "quick_gelu" -> quickGelu(x);
            case "gelu" -> gelu(x);
            case "silu", "swish" -> silu(x);
            default -> throw new IllegalArgumentException("unsupported activation " + name);
        };
    }
}
