package dev.likeness.engine.model.unet;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.ndarray.types.Shape;
import dev.likeness.engine.nn.Attention;
import dev.likeness.engine.nn.BlockBoundary;
import dev.likeness.engine.nn.Conv2d;
import dev.likeness.engine.nn.GroupNorm;
import dev.likeness.engine.nn.Ops;
import dev.likeness.engine.nn.Params;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/** diffusers' UNet2DConditionModel for SD 1.x/2.x, built from its config with diffusers' parameter names. */
public final class UNet2DCondition {
    private final UNetConfig config;
    private final Conv2d convIn;
    private final TimestepEmbedding timeEmbedding;
    private final List<UNetBlock> down = new ArrayList<>();
    private final UNetBlock mid = new UNetBlock();
    private final List<UNetBlock> up = new ArrayList<>();
    private final GroupNorm normOut;
    private final Conv2d convOut;
    private final Map<String, Attention> attentionLayers = new LinkedHashMap<>();

    public UNet2DCondition(Params p, UNetConfig c) {
        this.config = c;
        int[] ch = c.blockOutChannels();
        int temb = c.timeEmbedDim();
        int groups = c.normGroups();
        float eps = c.normEps();
        convIn = Conv2d.same3x3(p.sub("conv_in"), c.inChannels(), ch[0]);
        timeEmbedding = new TimestepEmbedding(p.sub("time_embedding"), ch[0], temb, c.flipSinToCos(), c.freqShift());

        int out = ch[0];
        for (int i = 0; i < ch.length; i++) {
            int in = out;
            out = ch[i];
            Params b = p.sub("down_blocks", i);
            UNetBlock block = new UNetBlock();
            boolean cross = c.downBlockTypes().get(i).startsWith("CrossAttn");
            for (int j = 0; j < c.layersPerBlock(); j++) {
                block.resnets.add(new ResnetBlock2D(b.sub("resnets", j), j == 0 ? in : out, out, temb, groups, eps));
                if (cross) {
                    block.attentions.add(transformer(b.sub("attentions", j), out, c.headsPerBlock()[i]));
                }
            }
            if (i < ch.length - 1) {
                block.downsampler = new Sampling.Downsample(b.sub("downsamplers.0"), out, false);
            }
            down.add(block);
        }

        int last = ch[ch.length - 1];
        Params m = p.sub("mid_block");
        mid.resnets.add(new ResnetBlock2D(m.sub("resnets", 0), last, last, temb, groups, eps));
        mid.attentions.add(transformer(m.sub("attentions", 0), last, c.headsPerBlock()[ch.length - 1]));
        mid.resnets.add(new ResnetBlock2D(m.sub("resnets", 1), last, last, temb, groups, eps));

        int prevOut = last;
        for (int i = 0; i < ch.length; i++) {
            int rev = ch.length - 1 - i;
            int outCh = ch[rev];
            int inCh = ch[Math.max(rev - 1, 0)];
            Params b = p.sub("up_blocks", i);
            UNetBlock block = new UNetBlock();
            boolean cross = c.upBlockTypes().get(i).startsWith("CrossAttn");
            int layers = c.layersPerBlock() + 1;
            for (int j = 0; j < layers; j++) {
                int skip = j == layers - 1 ? inCh : outCh;
                int resIn = j == 0 ? prevOut : outCh;
                block.resnets.add(new ResnetBlock2D(b.sub("resnets", j), resIn + skip, outCh, temb, groups, eps));
                if (cross) {
                    block.attentions.add(transformer(b.sub("attentions", j), outCh, c.headsPerBlock()[rev]));
                }
            }
            if (i < ch.length - 1) {
                block.upsampler = new Sampling.Upsample(b.sub("upsamplers.0"), outCh);
            }
            up.add(block);
            prevOut = outCh;
        }
        normOut = new GroupNorm(p.sub("conv_norm_out"), groups, ch[0], eps);
        convOut = Conv2d.same3x3(p.sub("conv_out"), ch[0], c.outChannels());
        for (UNetBlock b : allBlocks()) {
            b.attentionLayers().forEach(a -> attentionLayers.put(a.path(), a));
        }
    }

    private Transformer2D transformer(Params p, int channels, int heads) {
        return new Transformer2D(p, channels, heads, config.crossAttentionDim(), config.normGroups(),
                config.useLinearProjection(), config.upcastAttention());
    }

    private List<UNetBlock> allBlocks() {
        List<UNetBlock> all = new ArrayList<>(down);
        all.add(mid);
        all.addAll(up);
        return all;
    }

    public UNetConfig config() {
        return config;
    }

    /** Every attention layer by diffusers module path, in forward order: the hook points for later methods. */
    public Map<String, Attention> attentionLayers() {
        return Collections.unmodifiableMap(attentionLayers);
    }

    /**
     * Calls {@link BlockBoundary#check()} after each down, mid and up layer (a cancel lands within one block).
     *
     * @param sample    noisy latents (batch, 4, h, w)
     * @param timesteps (batch,) or a single value broadcast over the batch
     * @param context   text states (batch, tokens, cross_attention_dim)
     */
    public NDArray forward(NDArray sample, NDArray timesteps, NDArray context) {
        return forward(sample, timesteps, context, false);
    }

    /**
     * The same forward for sampling: with torch's grad mode off (as diffusers' pipelines run under no_grad, so no
     * op does autograd bookkeeping) and each layer's intermediates freed as soon as the layer is done (only its
     * output and the skip connections live until the step's scope ends), which bounds a forward's memory by one
     * layer instead of the whole pass. Same numbers as {@link #forward}, bit for bit.
     */
    public NDArray forwardInference(NDArray sample, NDArray timesteps, NDArray context) {
        boolean grad = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
        try {
            return forward(sample, timesteps, context, true);
        } finally {
            JniUtils.setGradMode(grad);
        }
    }

    private NDArray forward(NDArray sample, NDArray timesteps, NDArray context, boolean freeEarly) {
        long batch = sample.getShape().get(0);
        NDArray t = timesteps.getShape().size() == 1 && batch > 1
                ? timesteps.reshape(1).broadcast(new Shape(batch)) : timesteps.reshape(batch);
        NDArray temb = timeEmbedding.forward(t, sample.getDataType());

        NDArray h = convIn.forward(sample);
        Deque<NDArray> skips = new ArrayDeque<>();
        skips.push(h);
        for (UNetBlock block : down) {
            for (int j = 0; j < block.resnets.size(); j++) {
                NDArray in = h;
                int layer = j;
                h = layer(freeEarly, () -> block.layer(layer, in, temb, context));
                skips.push(h);
                BlockBoundary.check();
            }
            if (block.downsampler != null) {
                NDArray in = h;
                h = layer(freeEarly, () -> block.downsampler.forward(in));
                skips.push(h);
            }
        }
        NDArray beforeMid = h;
        h = layer(freeEarly, () -> mid.resnets.get(1).forward(mid.attentions.get(0).forward(
                mid.resnets.get(0).forward(beforeMid, temb), context), temb));
        BlockBoundary.check();
        for (UNetBlock block : up) {
            for (int j = 0; j < block.resnets.size(); j++) {
                NDArray in = h;
                NDArray skip = skips.pop();
                int layer = j;
                h = layer(freeEarly, () -> block.layer(layer, in.concat(skip, 1), temb, context));
                BlockBoundary.check();
            }
            if (block.upsampler != null) {
                NDArray next = skips.peek();
                NDArray in = h;
                h = layer(freeEarly, () -> block.upsampler.forward(in, next.getShape().get(2), next.getShape().get(3)));
            }
        }
        return convOut.forward(Ops.silu(normOut.forward(h)));
    }

    /** One layer; with {@code freeEarly}, in its own scope, so only its output outlives it. */
    private static NDArray layer(boolean freeEarly, Supplier<NDArray> body) {
        if (!freeEarly) {
            return body.get();
        }
        NDArray out;
        try (NDScope scope = new NDScope()) {
            out = body.get();
            NDScope.unregister(out);
        }
        NDScope.register(out); // the caller's scope (the sampling step) frees it
        return out;
    }
}
