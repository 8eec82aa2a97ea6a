package dev.likeness.pipeline;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.awt.image.BufferedImage;

/** Conversions between images and NCHW tensors in [0, 1]. */
public final class ImageTensors {
    private ImageTensors() {}

    /** (1, 3, h, w) in [0, 1] from an image's RGB (alpha ignored). */
    public static NDArray toTensor(BufferedImage image, NDManager m) {
        int w = image.getWidth();
        int h = image.getHeight();
        int[] argb = image.getRGB(0, 0, w, h, null, 0, w);
        float[] data = new float[3 * w * h];
        int plane = w * h;
        for (int i = 0; i < plane; i++) {
            int p = argb[i];
            data[i] = ((p >> 16) & 0xFF) / 255f;
            data[plane + i] = ((p >> 8) & 0xFF) / 255f;
            data[2 * plane + i] = (p & 0xFF) / 255f;
        }
        return m.create(data, new Shape(1, 3, h, w));
    }

    /** One image of a (n, 3, h, w) tensor in [0, 1], rounded the way diffusers' PIL conversion rounds. */
    public static BufferedImage toImage(NDArray batch, int index) {
        NDArray img = batch.get(index).toType(DataType.FLOAT32, false);
        int h = (int) img.getShape().get(1);
        int w = (int) img.getShape().get(2);
        float[] data = img.toFloatArray();
        int plane = w * h;
        int[] argb = new int[plane];
        for (int i = 0; i < plane; i++) {
            argb[i] = 0xFF000000 | (to8(data[i]) << 16) | (to8(data[plane + i]) << 8) | to8(data[2 * plane + i]);
        }
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        out.setRGB(0, 0, w, h, argb, 0, w);
        return out;
    }

    public static int to8(float v) {
        float c = Math.max(0f, Math.min(1f, v));
        return Math.round(c * 255f);
    }

    /** Resizes (bicubic) an image to exactly w×h when it differs. */
    public static BufferedImage resize(BufferedImage src, int w, int h) {
        if (src.getWidth() == w && src.getHeight() == h) {
            return src;
        }
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_ARGB);
        java.awt.Graphics2D g = out.createGraphics();
        g.setRenderingHint(java.awt.RenderingHints.KEY_INTERPOLATION,
                java.awt.RenderingHints.VALUE_INTERPOLATION_BICUBIC);
        g.drawImage(src, 0, 0, w, h, null);
        g.dispose();
        return out;
    }
}
