package dev.likeness.engine.model.unet;

import ai.djl.ndarray.NDArray;
import dev.likeness.engine.nn.Attention;
import dev.likeness.engine.nn.Conv2d;
import dev.likeness.engine.nn.GroupNorm;
import dev.likeness.engine.nn.Linear;
import dev.likeness.engine.nn.Params;
import java.util.List;

/**
 * diffusers' Transformer2DModel for SD: group norm, projection in (1×1 conv for SD1, linear for SD2), one
 * BasicTransformerBlock over the flattened pixels, projection out, residual.
 */
final class Transformer2D {
    private final GroupNorm norm;
    private final boolean linearProjection;
    private final Conv2d convIn;
    private final Conv2d convOut;
    private final Linear linearIn;
    private final Linear linearOut;
    private final BasicTransformerBlock block;

    Transformer2D(Params p, long channels, int heads, long crossDim, int groups, boolean linearProjection,
            boolean upcast) {
        norm = new GroupNorm(p.sub("norm"), groups, channels, 1e-6f);
        this.linearProjection = linearProjection;
        if (linearProjection) {
            linearIn = new Linear(p.sub("proj_in"), channels, channels, true);
            linearOut = new Linear(p.sub("proj_out"), channels, channels, true);
            convIn = null;
            convOut = null;
        } else {
            convIn = Conv2d.pointwise(p.sub("proj_in"), channels, channels);
            convOut = Conv2d.pointwise(p.sub("proj_out"), channels, channels);
            linearIn = null;
            linearOut = null;
        }
        block = new BasicTransformerBlock(p.sub("transformer_blocks.0"), channels, heads, crossDim, upcast);
    }

    NDArray forward(NDArray x, NDArray context) {
        long b = x.getShape().get(0);
        long c = x.getShape().get(1);
        long h = x.getShape().get(2);
        long w = x.getShape().get(3);
        NDArray y = norm.forward(x);
        if (!linearProjection) {
            y = convIn.forward(y);
        }
        y = y.transpose(0, 2, 3, 1).reshape(b, h * w, c);
        if (linearProjection) {
            y = linearIn.forward(y);
        }
        y = block.forward(y, context);
        if (linearProjection) {
            y = linearOut.forward(y);
        }
        y = y.reshape(b, h, w, c).transpose(0, 3, 1, 2);
        if (!linearProjection) {
            y = convOut.forward(y);
        }
        return y.add(x);
    }

    List<Attention> attentions() {
        return List.of(block.selfAttention(), block.crossAttention());
    }
}
