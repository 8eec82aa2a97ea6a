package dev.likeness.engine.model.unet;

import ai.djl.ndarray.NDArray;
import dev.likeness.engine.nn.Attention;
import java.util.ArrayList;
import java.util.List;

/** One down, mid or up stage: resnets, optionally each followed by a transformer, and an optional resampler. */
final class UNetBlock {
    final List<ResnetBlock2D> resnets = new ArrayList<>();
    final List<Transformer2D> attentions = new ArrayList<>();
    Sampling.Downsample downsampler;
    Sampling.Upsample upsampler;

    boolean hasAttention() {
        return !attentions.isEmpty();
    }

    NDArray layer(int i, NDArray x, NDArray temb, NDArray context) {
        NDArray h = resnets.get(i).forward(x, temb);
        return hasAttention() ? attentions.get(i).forward(h, context) : h;
    }

    List<Attention> attentionLayers() {
        List<Attention> out = new ArrayList<>();
        attentions.forEach(t -> out.addAll(t.attentions()));
        return out;
    }
}
