package dev.likeness.methods.perfusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Activation;

/** Evaluates the gated rank-one edit of one projection (see {@link EditBasis}); similarities and gates in float32. */
final class RankOneEdit {
    private RankOneEdit() {}

    /**
     * @param e        the projection's input, text states (..., d)
     * @param y        the projection's output W·e (..., d_l)
     * @param removed  the W·u_k as rows, (k, d_l)
     * @param targets  the o*_c as rows, (c, d_l)
     */
    static NDArray apply(NDArray e, NDArray y, EditBasis basis, NDArray removed, NDArray targets) {
        NDArray ef = e.getDataType() == DataType.FLOAT32 ? e : e.toType(DataType.FLOAT32, false);
        NDArray coefficients = ef.matMul(basis.removal());
        NDArray similarity = basis.similarity() == basis.removal() ? coefficients : ef.matMul(basis.similarity());
        NDArray gates = gate(similarity, basis);
        NDArray correction = gates.matMul(targets).sub(coefficients.matMul(removed));
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
