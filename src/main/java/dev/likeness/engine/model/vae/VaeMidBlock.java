package dev.likeness.engine.model.vae;

import ai.djl.ndarray.NDArray;
import dev.likeness.engine.model.unet.ResnetBlock2D;
import dev.likeness.engine.nn.Attention;
import dev.likeness.engine.nn.GroupNorm;
import dev.likeness.engine.nn.Linear;
import dev.likeness.engine.nn.Params;

/** resnet → single-head spatial self-attention (group-normed, residual) → resnet. */
final class VaeMidBlock {
    private static final float EPS = 1e-6f;
    private final ResnetBlock2D res0;
    private final GroupNorm attnNorm;
    private final Attention attention;
    private final ResnetBlock2D res1;

    VaeMidBlock(Params p, int channels, int groups) {
        res0 = new ResnetBlock2D(p.sub("resnets.0"), channels, channels, 0, groups, EPS);
        Params a = p.sub("attentions.0");
        attnNorm = new GroupNorm(a.sub("group_norm"), groups, channels, EPS);
        attention = new Attention(a.prefix(), new Linear(a.sub("to_q"), channels, channels, true),
                new Linear(a.sub("to_k"), channels, channels, true), new Linear(a.sub("to_v"), channels, channels, true),
                new Linear(a.sub("to_out.0"), channels, channels, true), 1, false, true);
        res1 = new ResnetBlock2D(p.sub("resnets.1"), channels, channels, 0, groups, EPS);
    }

    NDArray forward(NDArray x) {
        NDArray h = res0.forward(x, null);
        long b = h.getShape().get(0);
        long c = h.getShape().get(1);
        long hh = h.getShape().get(2);
        long ww = h.getShape().get(3);
        NDArray tokens = attnNorm.forward(h).reshape(b, c, hh * ww).transpose(0, 2, 1);
        NDArray attended = attention.forward(tokens, null, null).transpose(0, 2, 1).reshape(b, c, hh, ww);
        return res1.forward(attended.add(h), null);
    }
}
