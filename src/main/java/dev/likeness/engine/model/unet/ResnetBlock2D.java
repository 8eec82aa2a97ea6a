package dev.likeness.engine.model.unet;

import ai.djl.ndarray.NDArray;
import dev.likeness.engine.nn.Conv2d;
import dev.likeness.engine.nn.GroupNorm;
import dev.likeness.engine.nn.Linear;
import dev.likeness.engine.nn.Ops;
import dev.likeness.engine.nn.Params;

/** diffusers' ResnetBlock2D (shared by the UNet and the VAE; the VAE has no time embedding). */
public final class ResnetBlock2D {
    private final GroupNorm norm1;
    private final Conv2d conv1;
    private final Linear timeEmbProj;
    private final GroupNorm norm2;
    private final Conv2d conv2;
    private final Conv2d shortcut;

    /** @param tembChannels 0 for blocks without a time embedding */
    public ResnetBlock2D(Params p, long in, long out, long tembChannels, int groups, float eps) {
        norm1 = new GroupNorm(p.sub("norm1"), groups, in, eps);
        conv1 = Conv2d.same3x3(p.sub("conv1"), in, out);
        timeEmbProj = tembChannels > 0 ? new Linear(p.sub("time_emb_proj"), tembChannels, out, true) : null;
        norm2 = new GroupNorm(p.sub("norm2"), groups, out, eps);
        conv2 = Conv2d.same3x3(p.sub("conv2"), out, out);
        shortcut = in != out ? Conv2d.pointwise(p.sub("conv_shortcut"), in, out) : null;
    }

    public NDArray forward(NDArray x, NDArray temb) {
        NDArray h = conv1.forward(Ops.silu(norm1.forward(x)));
        if (timeEmbProj != null && temb != null) {
            h = h.add(timeEmbProj.forward(Ops.silu(temb)).expandDims(2).expandDims(3));
        }
        h = conv2.forward(Ops.silu(norm2.forward(h)));
        return (shortcut == null ? x : shortcut.forward(x)).add(h);
    }
}
