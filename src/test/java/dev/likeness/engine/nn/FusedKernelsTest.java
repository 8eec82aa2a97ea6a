package dev.likeness.engine.nn;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The fused kernels agree with the composed reference implementations, forward and backward. */
class FusedKernelsTest {
    @Test
    void sdpaMatchesComposedAttention() {
        try (NDManager m = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(1);
            NDArray q = m.randomNormal(new Shape(2, 4, 33, 16));
            NDArray k = m.randomNormal(new Shape(2, 4, 20, 16));
            NDArray v = m.randomNormal(new Shape(2, 4, 20, 16));
            NDArray fused = FusedKernels.sdpa(q, k, v, null);
            NDArray ref = Attention.scaledDotProduct(q, k, v, null, false);
            assertTrue(fused.sub(ref).abs().max().getFloat() < 1e-5f);
            NDArray mask = m.randomNormal(new Shape(1, 1, 33, 20));
            NDArray fusedMasked = FusedKernels.sdpa(q, k, v, mask);
            NDArray refMasked = Attention.scaledDotProduct(q, k, v, mask, false);
            assertTrue(fusedMasked.sub(refMasked).abs().max().getFloat() < 1e-5f);
        }
    }

    @Test
    void groupNormMatchesComposed() {
        try (NDManager m = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(2);
            NDArray x = m.randomNormal(new Shape(2, 64, 5, 7)).mul(3).add(1);
            NDArray w = m.randomNormal(new Shape(64));
            NDArray b = m.randomNormal(new Shape(64));
            GroupNorm gn = new GroupNorm(Params.root((name, shape) -> name.endsWith("weight") ? w : b), 32, 64, 1e-5f);
            NDArray fused = gn.forward(x);
            assertTrue(fused.sub(gn.composed(x)).abs().max().getFloat() < 1e-5f);
        }
    }

    @Test
    void gradientsFlowThroughFusedKernels() {
        try (NDManager m = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(3);
            NDArray q = m.randomNormal(new Shape(1, 2, 8, 4));
            NDArray k = m.randomNormal(new Shape(1, 2, 8, 4));
            NDArray v = m.randomNormal(new Shape(1, 2, 8, 4));
            Map<Boolean, NDArray> grads = new java.util.HashMap<>();
            for (boolean fused : new boolean[] {true, false}) {
                NDArray qq = q.duplicate();
                qq.setRequiresGradient(true);
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    NDArray out = fused ? FusedKernels.sdpa(qq, k, v, null)
                            : Attention.scaledDotProduct(qq, k, v, null, false);
                    gc.backward(out.mul(out).sum());
                }
                grads.put(fused, qq.getGradient().duplicate());
            }
            assertTrue(grads.get(true).abs().sum().getFloat() > 0);
            assertTrue(grads.get(true).sub(grads.get(false)).abs().max().getFloat() < 1e-4f);
        }
    }
}
