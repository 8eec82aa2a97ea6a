package dev.likeness.pipeline.layoutretouch;

import dev.likeness.engine.model.unet.UNet2DCondition;
import dev.likeness.engine.nn.Attention;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Finds attention layers by where they sit in the UNet: block, self/cross, and resolution. */
final class UNetLayers {
    private static final Pattern BLOCK = Pattern.compile("^(down_blocks|up_blocks)\\.(\\d+)\\.|^(mid_block)\\.");

    private UNetLayers() {}

    /** How much smaller than the latents a layer's feature map is (1 = full latent resolution). */
    static int downscale(String path, int levels) {
        Matcher m = BLOCK.matcher(path);
        if (!m.find()) {
            throw new IllegalArgumentException("not a UNet block path: " + path);
        }
        if (m.group(3) != null) {
            return 1 << (levels - 1);
        }
        int j = Integer.parseInt(m.group(2));
        return 1 << (m.group(1).equals("down_blocks") ? j : levels - 1 - j);
    }

    /** Side of a feature map at {@code downscale}: the UNet's stride-2 convolutions round up at every halving. */
    static int side(int latentSide, int downscale) {
        int s = latentSide;
        for (int d = downscale; d > 1; d /= 2) {
            s = (s + 1) / 2;
        }
        return s;
    }

    /** The block a layer belongs to, e.g. {@code up_blocks.3}. */
    static String block(String path) {
        Matcher m = BLOCK.matcher(path);
        if (!m.find()) {
            throw new IllegalArgumentException("not a UNet block path: " + path);
        }
        return m.group(3) != null ? "mid_block" : m.group(1) + "." + m.group(2);
    }

    /**
     * Self-attention layers of the given blocks; with none given, the decoder's two highest resolutions (SD's
     * up_blocks.2 and up_blocks.3, the layers 10–15 MasaCtrl and DreamMatcher swap).
     */
    static List<Attention> swapLayers(UNet2DCondition unet, List<String> blocks) {
        int levels = unet.config().blockOutChannels().length;
        List<Attention> out = new ArrayList<>();
        TreeSet<String> known = new TreeSet<>();
        for (Attention a : unet.attentionLayers().values()) {
            if (a.isCross()) {
                continue;
            }
            String block = block(a.path());
            known.add(block);
            boolean chosen = blocks.isEmpty() ? block.startsWith("up_blocks.") && downscale(a.path(), levels) <= 2
                    : blocks.contains(block);
            if (chosen) {
                out.add(a);
            }
        }
        for (String b : blocks) {
            if (!known.contains(b)) {
                throw new IllegalArgumentException("no self-attention layers in '" + b + "'; blocks with them: "
                        + String.join(", ", known));
            }
        }
        return out;
    }

    /**
     * Cross-attention layers at {@code downscale} (DreamMatcher reads 16×16 maps at 512 px, downscale 4); where
     * the model has none there, those at the nearest downscale that has some.
     */
    static List<Attention> maskLayers(UNet2DCondition unet, int downscale) {
        int levels = unet.config().blockOutChannels().length;
        int best = -1;
        for (Attention a : unet.attentionLayers().values()) {
            if (a.isCross()) {
                int d = downscale(a.path(), levels);
                if (best < 0 || distance(d, downscale) < distance(best, downscale)
                        || distance(d, downscale) == distance(best, downscale) && d < best) {
                    best = d;
                }
            }
        }
        List<Attention> out = new ArrayList<>();
        for (Attention a : unet.attentionLayers().values()) {
            if (a.isCross() && downscale(a.path(), levels) == best) {
                out.add(a);
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("the UNet has no cross-attention layers to read subject masks from");
        }
        return out;
    }

    private static int distance(int a, int b) {
        return Math.abs(Integer.numberOfTrailingZeros(a) - Integer.numberOfTrailingZeros(b));
    }
}
