package dev.likeness.pipeline.layoutretouch;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.likeness.engine.nn.Attention;
import dev.likeness.engine.nn.AttentionProcessor;
import java.util.ArrayList;
import java.util.List;

/**
 * Captures cross-attention probabilities of chosen prompt tokens: for each recorded batch row, the attention its
 * image tokens pay to that row's subject tokens, averaged over heads, summed over the tokens, and averaged over the
 * store's layers (all at one resolution) and the steps recorded so far. The layers' output is left as their
 * processor computes it; the maps are computed beside it.
 */
public final class CrossAttentionStore implements AutoCloseable {
    private final List<Layer> layers = new ArrayList<>();
    private final int mapH;
    private final int mapW;
    private int firstRow;
    private int rowCount;
    private int perRowMax;
    private float[][] tokens; // per map: one-hot weights over the text tokens
    private int[] mapRow; // per map: its row (from firstRow) and its slot among that row's maps
    private int[] mapSlot;
    private float[][] sums;
    private int[] counts;
    private boolean recording;

    private CrossAttentionStore(int mapH, int mapW) {
        this.mapH = mapH;
        this.mapW = mapW;
    }

    /** Installs on {@code attentions} (cross-attention layers of one resolution, {@code mapH}×{@code mapW}). */
    public static CrossAttentionStore install(List<Attention> attentions, int mapH, int mapW) {
        CrossAttentionStore store = new CrossAttentionStore(mapH, mapW);
        for (Attention a : attentions) {
            if (!a.isCross()) {
                throw new IllegalArgumentException("attention maps come from cross-attention, not " + a.path());
            }
            Layer layer = store.new Layer(a, a.processor());
            store.layers.add(layer);
            a.setProcessor(layer);
        }
        return store;
    }

    /**
     * Sets which rows are recorded: rows {@code firstRow..firstRow+n-1}, row k paying attention to the text token
     * positions {@code positions.get(k)}. Earlier sums are kept (the maps average over every recorded step).
     */
    public void rows(int first, List<int[]> positions, int textTokens) {
        List<List<int[]>> perRow = new ArrayList<>();
        for (int[] p : positions) {
            perRow.add(List.of(p));
        }
        entries(first, perRow, textTokens);
    }

    /**
     * Like {@link #rows}, with several maps per row: row k gives one map per entry of {@code perRow.get(k)} (a
     * context with several subjects). Maps are numbered row by row, entry by entry.
     */
    public void entries(int first, List<List<int[]>> perRow, int textTokens) {
        int maps = perRow.stream().mapToInt(List::size).sum();
        if (sums != null && sums.length != maps) {
            throw new IllegalArgumentException("the recorded maps cannot change in number");
        }
        this.firstRow = first;
        this.rowCount = perRow.size();
        this.perRowMax = perRow.stream().mapToInt(List::size).max().orElse(0);
        this.tokens = new float[maps][textTokens];
        this.mapRow = new int[maps];
        this.mapSlot = new int[maps];
        int k = 0;
        for (int row = 0; row < perRow.size(); row++) {
            for (int e = 0; e < perRow.get(row).size(); e++, k++) {
                for (int p : perRow.get(row).get(e)) {
                    tokens[k][p] = 1f;
                }
                mapRow[k] = row;
                mapSlot[k] = e;
            }
        }
        if (sums == null) {
            sums = new float[maps][mapH * mapW];
            counts = new int[maps];
        }
    }

    /** Records the next UNet calls until {@link #pause}. */
    public void record() {
        if (tokens == null) {
            throw new IllegalStateException("no rows to record");
        }
        recording = true;
    }

    public void pause() {
        recording = false;
    }

    /** Whether map {@code k} (row k of {@link #rows}) has been recorded at least once. */
    public boolean has(int k) {
        return counts != null && counts[k] > 0;
    }

    /** Map {@code k}'s mean so far, mapH×mapW row-major. */
    public float[] map(int k) {
        if (!has(k)) {
            throw new IllegalStateException("nothing recorded for row " + k);
        }
        float[] out = sums[k].clone();
        for (int i = 0; i < out.length; i++) {
            out[i] /= counts[k];
        }
        return out;
    }

    public int mapH() {
        return mapH;
    }

    public int mapW() {
        return mapW;
    }

    @Override
    public void close() {
        for (Layer l : layers) {
            l.attention.setProcessor(l.previous);
        }
    }

    /** {@code maps}: (rows, pixels, perRowMax) row-major, as the layer computed them. */
    private void add(float[] maps) {
        int n = mapH * mapW;
        for (int k = 0; k < sums.length; k++) {
            int base = mapRow[k] * n * perRowMax + mapSlot[k];
            for (int i = 0; i < n; i++) {
                sums[k][i] += maps[base + i * perRowMax];
            }
            counts[k]++;
        }
    }

    private final class Layer implements AttentionProcessor {
        final Attention attention;
        final AttentionProcessor previous;

        Layer(Attention attention, AttentionProcessor previous) {
            this.attention = attention;
            this.previous = previous;
        }

        @Override
        public NDArray process(Attention attn, NDArray hidden, NDArray context, NDArray mask) {
            NDArray out = previous.process(attn, hidden, context, mask);
            if (recording) {
                if (hidden.getShape().get(1) != (long) mapH * mapW) {
                    throw new IllegalStateException(attn.path() + ": " + hidden.getShape().get(1)
                            + " image tokens, expected " + mapH + "×" + mapW);
                }
                record(attn, hidden, context, mask);
            }
            return out;
        }

        private void record(Attention attn, NDArray hidden, NDArray context, NDArray mask) {
            int n = rowCount;
            int textTokens = tokens[0].length;
            NDIndex rows = new NDIndex("{}:{}", firstRow, firstRow + n);
            NDArray q = attn.splitHeads(attn.toQ().forward(hidden.get(rows))).toType(DataType.FLOAT32, false);
            NDArray k = attn.splitHeads(attn.toK().forward(context.get(rows))).toType(DataType.FLOAT32, false);
            float scale = (float) (1.0 / Math.sqrt(q.getShape().get(3)));
            NDArray scores = q.matMul(k.transpose(0, 1, 3, 2)).mul(scale);
            if (mask != null) {
                scores = scores.add(mask.toType(DataType.FLOAT32, false));
            }
            float[] flat = new float[n * textTokens * perRowMax]; // (rows, tokens, slots)
            for (int m = 0; m < tokens.length; m++) {
                for (int t = 0; t < textTokens; t++) {
                    flat[(mapRow[m] * textTokens + t) * perRowMax + mapSlot[m]] = tokens[m][t];
                }
            }
            NDArray pick = q.getManager().create(flat, new Shape(n, 1, textTokens, perRowMax));
            // (n, heads, pixels, slots) → mean over heads → (n, pixels, slots)
            add(scores.softmax(-1).matMul(pick).mean(new int[] {1}).toFloatArray());
        }
    }
}
