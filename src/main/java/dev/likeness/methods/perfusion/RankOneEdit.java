package dev.likeness.methods.perfusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Activation;

/**
 * Evaluates the gated rank-one edit of one projection (see {@link EditBasis}); similarities and gates in float32.
 * Every K and V projection of a UNet pass reads the same text states, so the per-token coefficients and gates are
 * computed once per input and shared ({@link #apply(NDArray, NDArray, NDArray, NDArray, Terms)}).
 */
final class RankOneEdit {
    private RankOneEdit() {}

    /** The per-token parts of the edit for one input: e·a_k and σ((e·b_c − β_c)/τ_c). */
    record Terms(NDArray input, EditBasis basis, NDArray coefficients, NDArray gates) {
        static Terms of(NDArray e, EditBasis basis) {
            NDArray ef = e.getDataType() == DataType.FLOAT32 ? e : e.toType(DataType.FLOAT32, false);
            NDArray coefficients = ef.matMul(basis.removal());
            NDArray similarity = basis.similarity() == basis.removal() ? coefficients : ef.matMul(basis.similarity());
            return new Terms(e, basis, coefficients, gate(similarity, basis));
        }

        /**
         * These terms when they are for {@code e} and {@code basis} and still alive, else fresh ones. (The same text
         * states come back every denoising step, but each step's scope frees the terms made in it.)
         */
        Terms reuseFor(NDArray e, EditBasis b) {
            boolean alive = !coefficients.isReleased() && !gates.isReleased();
            return input == e && basis == b && alive ? this : of(e, b);
        }
    }

    /**
     * @param e        the projection's input, text states (..., d)
     * @param y        the projection's output W·e (..., d_l)
     * @param removed  the W·u_k as rows, (k, d_l)
     * @param targets  the o*_c as rows, (c, d_l)
     */
    static NDArray apply(NDArray e, NDArray y, EditBasis basis, NDArray removed, NDArray targets) {
        return apply(y, removed, targets, Terms.of(e, basis));
    }

    static NDArray apply(NDArray y, NDArray removed, NDArray targets, Terms terms) {
        NDArray correction = terms.gates().matMul(targets).sub(terms.coefficients().matMul(removed));
        return y.add(correction.getDataType() == y.getDataType() ? correction : correction.toType(y.getDataType(), false));
    }

    /** σ((s − β)/τ) per concept. */
    static NDArray gate(NDArray similarity, EditBasis basis) {
        return Activation.sigmoid(similarity.sub(basis.beta()).div(basis.tau()));
    }

    /** s_c(e) per concept, (..., c). */
    static NDArray similarity(NDArray e, EditBasis basis) {
        return e.toType(DataType.FLOAT32, false).matMul(basis.similarity());
    }
}
