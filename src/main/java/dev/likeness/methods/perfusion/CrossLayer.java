package dev.likeness.methods.perfusion;

import dev.likeness.engine.model.unet.UNet2DCondition;
import dev.likeness.engine.nn.Attention;
import dev.likeness.engine.nn.Linear;
import java.util.ArrayList;
import java.util.List;

/** One cross-attention layer Perfusion edits: its diffusers path, its K and V projections and their output width. */
record CrossLayer(String path, Linear key, Linear value, int width) {
    /** Every cross-attention layer of the UNet, in module order. */
    static List<CrossLayer> of(UNet2DCondition unet) {
        List<CrossLayer> out = new ArrayList<>();
        for (Attention a : unet.attentionLayers().values()) {
            if (a.isCross()) {
                out.add(new CrossLayer(a.path(), a.toK(), a.toV(), (int) a.toK().weight().getShape().get(0)));
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("the UNet has no cross-attention layers");
        }
        return out;
    }

    Linear projection(Projection p) {
        return p == Projection.KEY ? key : value;
    }

    /** The two projections of a cross-attention layer Perfusion edits. */
    enum Projection { KEY, VALUE }
}
