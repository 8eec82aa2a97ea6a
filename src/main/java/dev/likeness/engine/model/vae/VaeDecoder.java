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

/** Latents → image in [-1, 1] (diffusers' Decoder). */
final class VaeDecoder {
    private final Conv2d convIn;
    private final VaeMidBlock mid;
    private final List<List<ResnetBlock2D>> resnets = new ArrayList<>();
    private final List<Sampling.Upsample> upsamplers = new ArrayList<>();
    private final GroupNorm normOut;
    private final Conv2d convOut;

    VaeDecoder(Params p, VaeConfig c) {
        int[] ch = c.blockOutChannels();
        int g = c.normGroups();
        int last = ch[ch.length - 1];
        convIn = Conv2d.same3x3(p.sub("conv_in"), c.latentChannels(), last);
        mid = new VaeMidBlock(p.sub("mid_block"), last, g);
        int prev = last;
        for (int i = 0; i < ch.length; i++) {
            int out = ch[ch.length - 1 - i];
            Params b = p.sub("up_blocks", i);
            List<ResnetBlock2D> block = new ArrayList<>();
            for (int j = 0; j < c.layersPerBlock() + 1; j++) {
                block.add(new ResnetBlock2D(b.sub("resnets", j), j == 0 ? prev : out, out, 0, g, 1e-6f));
            }
            resnets.add(block);
            upsamplers.add(i < ch.length - 1 ? new Sampling.Upsample(b.sub("upsamplers.0"), out) : null);
            prev = out;
        }
        normOut = new GroupNorm(p.sub("conv_norm_out"), g, ch[0], 1e-6f);
        convOut = Conv2d.same3x3(p.sub("conv_out"), ch[0], c.outChannels());
    }

    NDArray forward(NDArray latents) {
        NDArray h = mid.forward(convIn.forward(latents));
        for (int i = 0; i < resnets.size(); i++) {
            for (ResnetBlock2D r : resnets.get(i)) {
                h = r.forward(h, null);
            }
            if (upsamplers.get(i) != null) {
                h = upsamplers.get(i).forward(h, h.getShape().get(2) * 2, h.getShape().get(3) * 2);
            }
        }
        return convOut.forward(Ops.silu(normOut.forward(h)));
    }
}
