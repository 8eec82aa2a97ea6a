package dev.likeness.methods.perfusion;

import ai.djl.ndarray.NDArray;

/**
 * The layer-independent half of the gated rank-one edit of K and V, for c concepts, all float32:
 * <pre>
 *   out(e) = W·e − Σ_k (e·a_k)·(W·u_k) + Σ_c σ((e·b_c − β_c)/τ_c)·o*_c
 * </pre>
 * For one concept a = b = C⁻¹i* / (i*ᵀC⁻¹i*) and u = i*, so e·a = s(e) and the sum is s(e)·W·i*: the paper's
 * W(e − s(e)·i*) + σ(...)·o*. For several concepts (the exact form) the u_k are a C⁻¹-orthonormal basis of the
 * concepts' i*, which removes exactly the span of the i* from W·e.
 *
 * @param removal    the a_k as columns, (d, k)
 * @param similarity the b_c as columns, (d, c): e·b_c = s_c(e)
 * @param beta       β per concept, (c)
 * @param tau        τ per concept, (c)
 */
record EditBasis(NDArray removal, NDArray similarity, NDArray beta, NDArray tau) {}
