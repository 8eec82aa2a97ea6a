package dev.likeness.engine.model.unet;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.likeness.engine.nn.Linear;
import dev.likeness.engine.nn.Ops;
import dev.likeness.engine.nn.Params;

/** Sinusoidal timestep features (diffusers' Timesteps) followed by the two-layer MLP (TimestepEmbedding). */
final class TimestepEmbedding {
    private final int channels;
    private final boolean flipSinToCos;
    private final int freqShift;
    private final Linear linear1;
    private final Linear linear2;

    TimestepEmbedding(Params p, int channels, int embedDim, boolean flipSinToCos, int freqShift) {
        this.channels = channels;
        this.flipSinToCos = flipSinToCos;
        this.freqShift = freqShift;
        linear1 = new Linear(p.sub("linear_1"), channels, embedDim, true);
        linear2 = new Linear(p.sub("linear_2"), embedDim, embedDim, true);
    }

    /** @param timesteps (batch,) of any numeric type */
    NDArray forward(NDArray timesteps, DataType type) {
        NDManager m = timesteps.getManager();
        int half = channels / 2;
        NDArray exponent = m.arange(0, half, 1, DataType.FLOAT32).mul((float) -Math.log(10000))
                .div((float) (half - freqShift));
        NDArray args = timesteps.toType(DataType.FLOAT32, false).expandDims(1).mul(exponent.exp().expandDims(0));
        NDArray emb = flipSinToCos ? args.cos().concat(args.sin(), 1) : args.sin().concat(args.cos(), 1);
        return linear2.forward(Ops.silu(linear1.forward(emb.toType(type, false))));
    }
}
