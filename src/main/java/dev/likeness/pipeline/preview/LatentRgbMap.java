package dev.likeness.pipeline.preview;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.likeness.util.Json;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;

/**
 * A linear map from latent channels to RGB in [0, 1]: {@code rgb = W·z + b}, W of {@code channels × 3}. A good
 * enough picture of what a latent will decode to, at a cost of a few multiply-adds per latent pixel.
 *
 * @param weights {@code weights[c][k]}: how latent channel c adds to colour k (R, G, B)
 * @param bias    the colour of an all-zero latent
 */
public record LatentRgbMap(double[][] weights, double[] bias) {
    public LatentRgbMap {
        if (bias.length != 3 || weights.length == 0) {
            throw new IllegalArgumentException("a latent→RGB map has 3 biases and at least one channel");
        }
        for (double[] row : weights) {
            if (row.length != 3) {
                throw new IllegalArgumentException("each latent channel maps to 3 colours");
            }
        }
    }

    public int channels() {
        return weights.length;
    }

    /**
     * Renders one latent image ({@code channels × h × w}, channel-major) at {@code outW × outH}, bilinearly scaled.
     */
    public BufferedImage render(float[] latent, int h, int w, int outW, int outH) {
        int c = channels();
        if (latent.length < c * h * w) {
            throw new IllegalArgumentException("expected " + c + "×" + h + "×" + w + " latent values");
        }
        BufferedImage small = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        int plane = h * w;
        int[] rgb = new int[plane];
        for (int p = 0; p < plane; p++) {
            int packed = 0;
            for (int k = 0; k < 3; k++) {
                double v = bias[k];
                for (int ch = 0; ch < c; ch++) {
                    v += weights[ch][k] * latent[ch * plane + p];
                }
                packed = packed << 8 | (int) Math.round(Math.max(0, Math.min(1, v)) * 255);
            }
            rgb[p] = packed;
        }
        small.setRGB(0, 0, w, h, rgb, 0, w);
        if (outW == w && outH == h) {
            return small;
        }
        BufferedImage out = new BufferedImage(outW, outH, BufferedImage.TYPE_INT_RGB);
        java.awt.Graphics2D g = out.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.drawImage(small, 0, 0, outW, outH, null);
        } finally {
            g.dispose();
        }
        return out;
    }

    public ObjectNode toJson() {
        ObjectNode o = Json.MAPPER.createObjectNode();
        ArrayNode rows = o.putArray("weights");
        for (double[] row : weights) {
            ArrayNode r = rows.addArray();
            for (double v : row) {
                r.add(v);
            }
        }
        ArrayNode b = o.putArray("bias");
        for (double v : bias) {
            b.add(v);
        }
        return o;
    }

    public static LatentRgbMap fromJson(JsonNode o) {
        JsonNode rows = o.path("weights");
        JsonNode b = o.path("bias");
        if (!rows.isArray() || !b.isArray() || b.size() != 3) {
            throw new IllegalArgumentException("a latent→RGB map needs 'weights' (channels × 3) and 'bias' (3)");
        }
        double[][] weights = new double[rows.size()][3];
        for (int c = 0; c < rows.size(); c++) {
            if (rows.get(c).size() != 3) {
                throw new IllegalArgumentException("weights[" + c + "] needs 3 numbers");
            }
            for (int k = 0; k < 3; k++) {
                weights[c][k] = rows.get(c).get(k).asDouble();
            }
        }
        return new LatentRgbMap(weights, new double[] {b.get(0).asDouble(), b.get(1).asDouble(), b.get(2).asDouble()});
    }
}
