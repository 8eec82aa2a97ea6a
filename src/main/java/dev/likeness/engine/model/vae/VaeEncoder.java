package dev.likeness.engine.model.vae;

import ai.djl.ndarray.NDArray;
import dev.likeness.engine.model.unet.ResnetBlock2D;
import dev.likeness.engine.model.unet.Sampling;
import dev.likeness.engine.nn.Conv2d;
import dev.likeness.engine.nn.GroupNorm;
import dev.likeness.engine.nn.Ops;
import dev.likeness.engine.nn.Params;
import java.util.ArrayList;
import java.util.List;

/** Image → 2·latent channels (mean and log-variance), diffusers' Encoder with double_z. */
final class VaeEncoder {
    private final Conv2d convIn;
    private final List<List<ResnetBlock2D>> resnets = new ArrayList<>();
    private final List<Sampling.Downsample> downsamplers = new ArrayList<>();
    private final VaeMidBlock mid;
    private final GroupNorm normOut;
    private final Conv2d convOut;

    VaeEncoder(Params p, VaeConfig c) {
        int[] ch = c.blockOutChannels();
        int g = c.normGroups();
        convIn = Conv2d.same3x3(p.sub("conv_in"), c.inChannels(), ch[0]);
        int out = ch[0];
        for (int i = 0; i < ch.length; i++) {
            int in = out;
            out = ch[i];
            Params b = p.sub("down_blocks", i);
            List<ResnetBlock2D> block = new ArrayList<>();
            for (int j = 0; j < c.layersPerBlock(); j++) {
                block.add(new ResnetBlock2D(b.sub("resnets", j), j == 0 ? in : out, out, 0, g, 1e-6f));
            }
            resnets.add(block);
            downsamplers.add(i < ch.length - 1 ? new Sampling.Downsample(b.sub("downsamplers.0"), out, true) : null);
        }
        int last = ch[ch.length - 1];
        mid = new VaeMidBlock(p.sub("mid_block"), last, g);
        normOut = new GroupNorm(p.sub("conv_norm_out"), g, last, 1e-6f);
        convOut = Conv2d.same3x3(p.sub("conv_out"), last, 2L * c.latentChannels());
    }

    NDArray forward(NDArray image) {
        NDArray h = convIn.forward(image);
        for (int i = 0; i < resnets.size(); i++) {
            for (ResnetBlock2D r : resnets.get(i)) {
                h = r.forward(h, null);
            }
            if (downsamplers.get(i) != null) {
                h = downsamplers.get(i).forward(h);
            }
        }
        h = mid.forward(h);
        return convOut.forward(Ops.silu(normOut.forward(h)));
    }
}
