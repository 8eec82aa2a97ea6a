package dev.likeness.pipeline.layoutretouch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.likeness.engine.nn.Attention;
import dev.likeness.pipeline.SdModel;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The swap hook on a real self-attention layer of the tiny UNet: in the target pass each target row attends to the
 * K/V its sources produced in the source pass, which must equal attention over the concatenated sources computed
 * directly (composed attention, not the fused kernel the layer uses).
 */
class AttentionSwapTest {
    private static final int REFS = 2;
    private static final int SOURCES = REFS + 1;

    @Test
    void targetQueriesAttendToTheSourcesKeysAndValues() throws Exception {
        try (SdModel model = TinyConcepts.model(); NDScope scope = new NDScope();
                NDManager m = model.manager().newSubManager()) {
            Attention attn = model.unet().attentionLayers().get("up_blocks.2.attentions.0.transformer_blocks.0.attn1");
            int levels = model.unet().config().blockOutChannels().length;
            int side = 16; // up_blocks.2 of the tiny UNet runs at latent resolution (16×16 latents)
            long tokens = (long) side * side;
            long channels = attn.toQ().weight().getShape().get(1);
            m.getEngine().setRandomSeed(11);
            NDArray sources = m.randomNormal(new Shape(2L * SOURCES, tokens, channels)); // [uncond ×3; cond ×3]
            NDArray target = m.randomNormal(new Shape(2, tokens, channels));
            SourceBatch batch = new SourceBatch(SOURCES, true);

            try (AttentionSwap swap = AttentionSwap.install(List.of(attn), levels, side, side)) {
                NDArray plain = Attention.STANDARD.process(attn, target, null, null);
                assertEquals(0f, maxAbs(attn.forward(target, null, null), plain), "outside its passes: unchanged");

                swap.capture(batch);
                NDArray captured = attn.forward(sources, null, null);
                assertTrue(maxAbs(captured, Attention.STANDARD.process(attn, sources, null, null)) < 1e-5,
                        "the source pass computes as usual");

                swap.swap(null);
                NDArray unmasked = attn.forward(target, null, null);
                assertTrue(maxAbs(unmasked, direct(attn, target, sources, null, null)) < 1e-5,
                        "unmasked: attention over [K_c; K_r1; K_r2]");

                swap.capture(batch);
                attn.forward(sources, null, null);
                float[] targetMask = halfMask(side, true);
                List<float[]> refMasks = Arrays.asList(halfMask(side, false), null);
                swap.swap(new SwapMasks(side, side, targetMask, refMasks));
                NDArray masked = attn.forward(target, null, null);
                NDArray expected = direct(attn, target, sources, targetMask, refMasks);
                assertTrue(maxAbs(masked, expected) < 1e-5, "masked: foreground from the references, background "
                        + "from the context");
                assertTrue(maxAbs(masked, unmasked) > 1e-3, "the masks matter");
                swap.pass();
                assertEquals(0f, maxAbs(attn.forward(target, null, null), plain));
            }
            assertSame(Attention.STANDARD, attn.processor(), "closing restores the layer's processor");
        }
    }

    @Test
    void eachSubjectsQueriesAttendToTheReferencesShowingIt() throws Exception {
        try (SdModel model = TinyConcepts.model(); NDScope scope = new NDScope();
                NDManager m = model.manager().newSubManager()) {
            Attention attn = model.unet().attentionLayers().get("up_blocks.2.attentions.0.transformer_blocks.0.attn1");
            int levels = model.unet().config().blockOutChannels().length;
            int side = 16;
            long tokens = (long) side * side;
            long channels = attn.toQ().weight().getShape().get(1);
            m.getEngine().setRandomSeed(12);
            NDArray sources = m.randomNormal(new Shape(SOURCES, tokens, channels)); // context, ref of A, ref of B
            NDArray target = m.randomNormal(new Shape(1, tokens, channels));
            float[] left = halfMask(side, true);
            float[] right = halfMask(side, false);
            try (AttentionSwap swap = AttentionSwap.install(List.of(attn), levels, side, side)) {
                swap.capture(new SourceBatch(SOURCES, false));
                attn.forward(sources, null, null);
                // subject 0 on the left shown by reference 2, subject 1 on the right shown by reference 1
                swap.swap(new SwapMasks(side, side, List.of(left, right), Arrays.asList(null, null), new int[] {1, 0}));
                NDArray got = attn.forward(target, null, null);

                NDArray k = attn.splitHeads(attn.toK().forward(sources));
                NDArray v = attn.splitHeads(attn.toV().forward(sources));
                NDArray q = attn.splitHeads(attn.toQ().forward(target));
                NDArray fromRef2 = Attention.scaledDotProduct(q, row(k, 2), row(v, 2), null, false);
                NDArray fromRef1 = Attention.scaledDotProduct(q, row(k, 1), row(v, 1), null, false);
                NDArray ml = m.create(left, new Shape(1, 1, tokens, 1));
                NDArray expected = attn.toOut().forward(attn.mergeHeads(fromRef2.mul(ml).add(fromRef1.mul(
                        ml.neg().add(1f)))));
                assertTrue(maxAbs(got, expected) < 1e-5, "left from reference 2 alone, right from reference 1 alone: "
                        + maxAbs(got, expected));
                swap.pass();
            }
        }
    }

    @Test
    void overlappingSubjectMasksMixAsAConvexCombination() throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            float[] full = new float[16];
            Arrays.fill(full, 1f);
            float[] half = new float[16];
            Arrays.fill(half, 0, 8, 1f);
            SwapMasks masks = new SwapMasks(4, 4, List.of(full, half), Arrays.asList(null, null), new int[] {0, 1});
            float[] a = masks.target(0, 4, 4, m, DataType.FLOAT32).toFloatArray();
            float[] b = masks.target(1, 4, 4, m, DataType.FLOAT32).toFloatArray();
            assertEquals(0.5f, a[0]);
            assertEquals(0.5f, b[0]);
            assertEquals(1f, a[15], "where one subject alone covers a cell it takes it whole");
            assertEquals(0f, b[15]);
            assertThrows(IllegalArgumentException.class, () -> new SwapMasks(4, 4, List.of(full), List.of(full),
                    new int[] {1}));
        }
    }

    private static NDArray row(NDArray a, int r) {
        return a.get(new NDIndex("{}:{}", r, r + 1));
    }

    @Test
    void swapWithoutSourcesIsRefused() throws Exception {
        try (SdModel model = TinyConcepts.model();
                AttentionSwap swap = AttentionSwap.install(List.of(model.unet().attentionLayers()
                        .get("up_blocks.2.attentions.0.transformer_blocks.0.attn1")), 3, 16, 16)) {
            assertThrows(IllegalStateException.class, () -> swap.swap(null));
        }
    }

    /** Left or right half of a side×side grid. */
    private static float[] halfMask(int side, boolean left) {
        float[] mask = new float[side * side];
        for (int y = 0; y < side; y++) {
            for (int x = 0; x < side; x++) {
                mask[y * side + x] = (x < side / 2) == left ? 1f : 0f;
            }
        }
        return mask;
    }

    /** The swapped attention computed from scratch with composed attention. */
    private static NDArray direct(Attention attn, NDArray target, NDArray sources, float[] targetMask,
            List<float[]> refMasks) {
        NDArray k = attn.splitHeads(attn.toK().forward(sources));
        NDArray v = attn.splitHeads(attn.toV().forward(sources));
        NDArray q = attn.splitHeads(attn.toQ().forward(target));
        NDList rows = new NDList();
        for (int half = 0; half < 2; half++) {
            NDArray qh = q.get(new NDIndex("{}:{}", half, half + 1));
            NDList ks = new NDList();
            NDList vs = new NDList();
            for (int s = 0; s < SOURCES; s++) {
                int r = half * SOURCES + s;
                ks.add(k.get(new NDIndex("{}:{}", r, r + 1)));
                vs.add(v.get(new NDIndex("{}:{}", r, r + 1)));
            }
            if (targetMask == null) {
                rows.add(Attention.scaledDotProduct(qh, NDArrays.concat(ks, 2), NDArrays.concat(vs, 2), null, false));
                continue;
            }
            NDArray bg = Attention.scaledDotProduct(qh, ks.get(0), vs.get(0), null, false);
            int n = targetMask.length;
            float[] bias = new float[REFS * n];
            for (int r = 0; r < REFS; r++) {
                float[] mask = refMasks.get(r);
                for (int i = 0; i < n && mask != null; i++) {
                    bias[r * n + i] = mask[i] > 0 ? 0f : Float.NEGATIVE_INFINITY;
                }
            }
            NDManager m = q.getManager();
            NDArray fg = Attention.scaledDotProduct(qh, ks.get(1).concat(ks.get(2), 2), vs.get(1).concat(vs.get(2), 2),
                    m.create(bias, new Shape(1, 1, 1, bias.length)), false);
            NDArray mt = m.create(targetMask, new Shape(1, 1, n, 1));
            rows.add(fg.mul(mt).add(bg.mul(mt.neg().add(1f))));
        }
        return attn.toOut().forward(attn.mergeHeads(NDArrays.concat(rows, 0)));
    }

    private static float maxAbs(NDArray a, NDArray b) {
        return a.toType(DataType.FLOAT32, false).sub(b.toType(DataType.FLOAT32, false)).abs().max().getFloat();
    }
}
