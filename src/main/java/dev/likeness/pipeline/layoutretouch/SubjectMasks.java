package dev.likeness.pipeline.layoutretouch;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.awt.image.BufferedImage;

/** Subject masks as row-major float arrays in [0, 1] (1 = subject), and the resamplings stage 2 needs. */
public final class SubjectMasks {
    private SubjectMasks() {}

    /**
     * A cross-attention map made into a binary mask at {@code h}×{@code w} (DreamMatcher-style): min–max
     * normalised, thresholded, upsampled nearest, then dilated by {@code dilate} cells.
     */
    public static float[] fromAttention(float[] map, int mh, int mw, int h, int w, float threshold, int dilate) {
        float lo = Float.POSITIVE_INFINITY;
        float hi = Float.NEGATIVE_INFINITY;
        for (float v : map) {
            lo = Math.min(lo, v);
            hi = Math.max(hi, v);
        }
        float range = hi - lo;
        float[] bin = new float[map.length];
        for (int i = 0; i < map.length; i++) {
            bin[i] = range > 0 && (map[i] - lo) / range >= threshold ? 1f : range > 0 ? 0f : 1f;
        }
        return dilate(nearest(bin, mh, mw, h, w), h, w, dilate);
    }

    /** Nearest-neighbour resampling. */
    public static float[] nearest(float[] m, int sh, int sw, int th, int tw) {
        float[] out = new float[th * tw];
        for (int y = 0; y < th; y++) {
            int sy = Math.min(sh - 1, (int) ((long) y * sh / th));
            for (int x = 0; x < tw; x++) {
                out[y * tw + x] = m[sy * sw + Math.min(sw - 1, (int) ((long) x * sw / tw))];
            }
        }
        return out;
    }

    /** Area average onto a coarser (or equal) grid; cells cover the source pixels they overlap. */
    public static float[] average(float[] m, int sh, int sw, int th, int tw) {
        float[] out = new float[th * tw];
        for (int y = 0; y < th; y++) {
            int y0 = (int) ((long) y * sh / th);
            int y1 = Math.max(y0 + 1, (int) Math.ceil((double) (y + 1) * sh / th));
            for (int x = 0; x < tw; x++) {
                int x0 = (int) ((long) x * sw / tw);
                int x1 = Math.max(x0 + 1, (int) Math.ceil((double) (x + 1) * sw / tw));
                double sum = 0;
                for (int yy = y0; yy < Math.min(y1, sh); yy++) {
                    for (int xx = x0; xx < Math.min(x1, sw); xx++) {
                        sum += m[yy * sw + xx];
                    }
                }
                out[y * tw + x] = (float) (sum / ((Math.min(y1, sh) - y0) * (Math.min(x1, sw) - x0)));
            }
        }
        return out;
    }

    /** 1 wherever any covered source pixel is above zero: the latent cells a pixel mask touches. */
    public static float[] cover(float[] m, int sh, int sw, int th, int tw) {
        float[] avg = average(m, sh, sw, th, tw);
        for (int i = 0; i < avg.length; i++) {
            avg[i] = avg[i] > 0 ? 1f : 0f;
        }
        return avg;
    }

    /** Binary dilation with a square of radius {@code r}. */
    public static float[] dilate(float[] m, int h, int w, int r) {
        if (r <= 0) {
            return m;
        }
        float[] out = new float[m.length];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                float v = 0;
                for (int yy = Math.max(0, y - r); yy <= Math.min(h - 1, y + r) && v < 1; yy++) {
                    for (int xx = Math.max(0, x - r); xx <= Math.min(w - 1, x + r); xx++) {
                        v = Math.max(v, m[yy * w + xx]);
                    }
                }
                out[y * w + x] = v;
            }
        }
        return out;
    }

    /** A mask image (white = change; grey levels are partial) resampled to w×h: its luminance in [0, 1]. */
    public static float[] fromImage(BufferedImage img, int w, int h) {
        BufferedImage src = dev.likeness.pipeline.ImageTensors.resize(img, w, h);
        int[] argb = src.getRGB(0, 0, w, h, null, 0, w);
        float[] out = new float[w * h];
        for (int i = 0; i < out.length; i++) {
            int p = argb[i];
            float lum = (0.299f * ((p >> 16) & 0xFF) + 0.587f * ((p >> 8) & 0xFF) + 0.114f * (p & 0xFF)) / 255f;
            out[i] = lum * ((p >>> 24) & 0xFF) / 255f;
        }
        return out;
    }

    /** The pixelwise maximum of masks of one size; a single mask is returned as it is. */
    public static float[] union(java.util.List<float[]> masks) {
        if (masks.size() == 1) {
            return masks.get(0);
        }
        float[] out = masks.get(0).clone();
        for (float[] m : masks.subList(1, masks.size())) {
            for (int i = 0; i < out.length; i++) {
                out[i] = Math.max(out[i], m[i]);
            }
        }
        return out;
    }

    /** The alpha channel in [0, 1], or null when the image is fully opaque. */
    public static float[] alpha(BufferedImage img) {
        if (!img.getColorModel().hasAlpha()) {
            return null;
        }
        int w = img.getWidth();
        int h = img.getHeight();
        int[] argb = img.getRGB(0, 0, w, h, null, 0, w);
        float[] out = new float[w * h];
        boolean opaque = true;
        for (int i = 0; i < out.length; i++) {
            out[i] = ((argb[i] >>> 24) & 0xFF) / 255f;
            opaque &= out[i] == 1f;
        }
        return opaque ? null : out;
    }

    public static boolean isEmpty(float[] m) {
        for (float v : m) {
            if (v > 0) {
                return false;
            }
        }
        return true;
    }

    /** (1, 1, h, w). */
    public static NDArray toArray(float[] m, int h, int w, NDManager manager) {
        return manager.create(m, new Shape(1, 1, h, w));
    }
}
