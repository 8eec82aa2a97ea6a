package dev.likeness.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import java.util.Collection;

/** torch.nn.utils.clip_grad_norm_: scales all gradients together so their global L2 norm is at most max. */
public final class GradientClipping {
    private GradientClipping() {}

    /** @return the global norm before clipping */
    public static double clipGlobalNorm(Collection<NDArray> grads, double maxNorm) {
        double sumSq = 0;
        try (NDScope scope = new NDScope()) {
            for (NDArray g : grads) {
                sumSq += g.square().sum().getFloat();
            }
        }
        double norm = Math.sqrt(sumSq);
        if (maxNorm > 0 && norm > maxNorm) {
            float scale = (float) (maxNorm / (norm + 1e-6));
            GradMode.off(() -> grads.forEach(g -> g.muli(scale)));
        }
        return norm;
    }
}
