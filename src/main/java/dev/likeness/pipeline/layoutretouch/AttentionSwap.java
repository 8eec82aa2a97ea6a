package dev.likeness.pipeline.layoutretouch;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import dev.likeness.engine.nn.Attention;
import dev.likeness.engine.nn.AttentionProcessor;
import java.util.ArrayList;
import java.util.List;

/**
 * Multi-source attention swapping in self-attention layers (stage 2 of Layout-and-Retouch, methods.md §5.2). In the
 * source pass each layer keeps the keys and values of every source row (context and references); in the target pass
 * the target's queries attend to those instead of the target's own. Unmasked, every target query attends to all
 * sources at once: Attn(Q_t, [K_c; K_r…], [V_c; V_r…]). Masked, foreground queries attend to the references'
 * foreground keys, background queries to the context, and the two are mixed by the target's subject mask; with
 * several subjects, each subject's queries attend to the references showing it, mixed in by its own mask.
 * Target row {@code h} (unconditional, conditional) reads the sources' rows of the same half.
 * Outside its passes a layer runs whatever processor it had before.
 */
public final class AttentionSwap implements AutoCloseable {
    private enum Mode { PASS, CAPTURE, SWAP }

    private final List<Layer> layers = new ArrayList<>();
    private Mode mode = Mode.PASS;
    private SourceBatch batch;
    private SwapMasks masks;

    private AttentionSwap() {}

    /** Installs the swap on {@code attentions} (self-attention layers) of a UNet with {@code levels} resolutions. */
    public static AttentionSwap install(List<Attention> attentions, int levels, int latentH, int latentW) {
        AttentionSwap swap = new AttentionSwap();
        for (Attention a : attentions) {
            if (a.isCross()) {
                throw new IllegalArgumentException("swapping is for self-attention, not " + a.path());
            }
            int d = UNetLayers.downscale(a.path(), levels);
            Layer layer = swap.new Layer(a, a.processor(), UNetLayers.side(latentH, d), UNetLayers.side(latentW, d));
            swap.layers.add(layer);
            a.setProcessor(layer);
        }
        return swap;
    }

    /** The next UNet call is the source pass: compute normally and keep every row's K/V. */
    public void capture(SourceBatch rows) {
        clear();
        this.batch = rows;
        this.mode = Mode.CAPTURE;
    }

    /** The next UNet call is the target pass; {@code stepMasks} null swaps unmasked. */
    public void swap(SwapMasks stepMasks) {
        if (batch == null) {
            throw new IllegalStateException("swap needs a source pass first");
        }
        this.masks = stepMasks;
        this.mode = Mode.SWAP;
        if (stepMasks != null) { // made now, in the step's scope: a layer's own scope ends with the layer
            for (Layer l : layers) {
                NDArray w = l.attention.toQ().weight();
                for (int subject = 0; subject < stepMasks.subjects(); subject++) {
                    stepMasks.target(subject, l.h, l.w, w.getManager(), w.getDataType());
                    stepMasks.referenceBias(subject, l.h, l.w, w.getManager(), w.getDataType());
                }
            }
        }
    }

    /** Back to the layers' own processing; the kept K/V are dropped (the step's scope frees them). */
    public void pass() {
        mode = Mode.PASS;
        clear();
    }

    private void clear() {
        for (Layer l : layers) {
            l.keys = null;
            l.values = null;
        }
        masks = null;
    }

    @Override
    public void close() {
        clear();
        for (Layer l : layers) {
            l.attention.setProcessor(l.previous);
        }
    }

    private final class Layer implements AttentionProcessor {
        final Attention attention;
        final AttentionProcessor previous;
        final int h;
        final int w;
        NDArray keys;
        NDArray values;

        Layer(Attention attention, AttentionProcessor previous, int h, int w) {
            this.attention = attention;
            this.previous = previous;
            this.h = h;
            this.w = w;
        }

        @Override
        public NDArray process(Attention attn, NDArray hidden, NDArray context, NDArray mask) {
            return switch (mode) {
                case PASS -> previous.process(attn, hidden, context, mask);
                case CAPTURE -> capture(attn, hidden, mask);
                case SWAP -> swapped(attn, hidden);
            };
        }

        private NDArray capture(Attention attn, NDArray hidden, NDArray mask) {
            if (hidden.getShape().get(0) != batch.rows()) {
                throw new IllegalStateException("source pass of " + hidden.getShape().get(0) + " rows, expected "
                        + batch.rows());
            }
            NDArray q = attn.splitHeads(attn.toQ().forward(hidden));
            keys = attn.splitHeads(attn.toK().forward(hidden));
            values = attn.splitHeads(attn.toV().forward(hidden));
            return attn.toOut().forward(attn.mergeHeads(attn.attend(q, keys, values, mask)));
        }

        private NDArray swapped(Attention attn, NDArray hidden) {
            long rows = hidden.getShape().get(0);
            if (rows != batch.halves()) {
                throw new IllegalStateException("target pass of " + rows + " rows, expected " + batch.halves());
            }
            if (hidden.getShape().get(1) != (long) h * w) {
                throw new IllegalStateException(attn.path() + ": " + hidden.getShape().get(1) + " tokens, expected "
                        + h + "×" + w);
            }
            NDArray q = attn.splitHeads(attn.toQ().forward(hidden));
            NDList halves = new NDList();
            for (int half = 0; half < rows; half++) {
                NDArray qh = q.get(new NDIndex("{}:{}", half, half + 1));
                halves.add(attendSources(attn, qh, half));
            }
            NDArray out = halves.size() == 1 ? halves.get(0) : NDArrays.concat(halves, 0);
            return attn.toOut().forward(attn.mergeHeads(out));
        }

        private NDArray attendSources(Attention attn, NDArray q, int half) {
            NDArray kc = row(keys, batch.row(0, half));
            NDArray vc = row(values, batch.row(0, half));
            if (batch.references() == 0) {
                return attn.attend(q, kc, vc, null);
            }
            NDList kr = new NDList();
            NDList vr = new NDList();
            for (int s = 1; s < batch.sources(); s++) {
                kr.add(row(keys, batch.row(s, half)));
                vr.add(row(values, batch.row(s, half)));
            }
            NDArray refK = kr.size() == 1 ? kr.get(0) : NDArrays.concat(kr, 2);
            NDArray refV = vr.size() == 1 ? vr.get(0) : NDArrays.concat(vr, 2);
            if (masks == null) {
                return attn.attend(q, kc.concat(refK, 2), vc.concat(refV, 2), null);
            }
            NDArray bg = attn.attend(q, kc, vc, null);
            NDArray out = bg;
            for (int subject = 0; subject < masks.subjects(); subject++) {
                NDArray k = masks.subjects() == 1 ? refK : shownBy(kr, subject);
                NDArray v = masks.subjects() == 1 ? refV : shownBy(vr, subject);
                NDArray fg = attn.attend(q, k, v, masks.referenceBias(subject, h, w, q.getManager(),
                        q.getDataType()));
                out = out.add(fg.sub(bg).mul(masks.target(subject, h, w, q.getManager(), q.getDataType())));
            }
            return out;
        }

        /** The K (or V) rows of the references that show {@code subject}, concatenated along the tokens. */
        private NDArray shownBy(NDList rows, int subject) {
            NDList own = new NDList();
            for (int r = 0; r < rows.size(); r++) {
                if (masks.shows()[r] == subject) {
                    own.add(rows.get(r));
                }
            }
            return own.size() == 1 ? own.get(0) : NDArrays.concat(own, 2);
        }

        private NDArray row(NDArray a, int r) {
            return a.get(new NDIndex("{}:{}", r, r + 1));
        }
    }
}
