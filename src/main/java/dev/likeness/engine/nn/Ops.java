package dev.likeness.engine.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;

/** Small composed activations DJL does not have as single ops. */
public final class Ops {
    private Ops() {}

    /**
     * x·c with the scalar held as a tensor owned by x's manager (and the current NDScope). DJL's {@code mul(Number)}
     * wraps the scalar in a tensor over a Java buffer and closes it right away, yet autograd keeps that tensor for
     * the backward pass: a GC in between would let backward read freed memory. Every op on a gradient path uses
     * this instead.
     */
    public static NDArray scale(NDArray x, float c) {
        return x.mul(constant(x, c));
    }

    /** x + c, safe on gradient paths (see {@link #scale}). */
    public static NDArray shift(NDArray x, float c) {
        return x.add(constant(x, c));
    }

    private static NDArray constant(NDArray like, float c) {
        NDArray k = like.getManager().create(c);
        return like.getDataType() == k.getDataType() ? k : k.toType(like.getDataType(), false);
    }

    public static NDArray silu(NDArray x) {
        return x.mul(Activation.sigmoid(x));
    }

    /** CLIP's quick_gelu: x·σ(1.702x). */
    public static NDArray quickGelu(NDArray x) {
        return x.mul(Activation.sigmoid(scale(x, 1.702f)));
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
