package dev.likeness.pipeline.layoutretouch;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;

/** The few image operations stage 2 needs around the engine: fitting references, compositing the result. */
final class ImageOps {
    private ImageOps() {}

    /** Scales {@code img} to cover w×h (bicubic) and cuts the centre, keeping alpha. */
    static BufferedImage cover(BufferedImage img, int w, int h) {
        double scale = Math.max((double) w / img.getWidth(), (double) h / img.getHeight());
        int sw = Math.max(w, (int) Math.round(img.getWidth() * scale));
        int sh = Math.max(h, (int) Math.round(img.getHeight() * scale));
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_ARGB);
        Graphics2D g = out.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BICUBIC);
        g.drawImage(img, -(sw - w) / 2, -(sh - h) / 2, sw, sh, null);
        g.dispose();
        return out;
    }

    /** The image over mid grey: a cut-out subject's transparent surroundings become a neutral background. */
    static BufferedImage onGrey(BufferedImage img) {
        BufferedImage out = new BufferedImage(img.getWidth(), img.getHeight(), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.setColor(new java.awt.Color(128, 128, 128));
        g.fillRect(0, 0, img.getWidth(), img.getHeight());
        g.drawImage(img, 0, 0, null);
        g.dispose();
        return out;
    }

    /**
     * {@code mask·made + (1−mask)·kept} per pixel, opaque. Where the mask is 0 the result is {@code kept}'s pixel
     * exactly.
     */
    static BufferedImage composite(BufferedImage made, BufferedImage kept, float[] mask) {
        int w = kept.getWidth();
        int h = kept.getHeight();
        int[] a = made.getRGB(0, 0, w, h, null, 0, w);
        int[] b = kept.getRGB(0, 0, w, h, null, 0, w);
        int[] out = new int[w * h];
        for (int i = 0; i < out.length; i++) {
            float m = mask[i];
            if (m <= 0f) {
                out[i] = 0xFF000000 | b[i];
            } else if (m >= 1f) {
                out[i] = 0xFF000000 | a[i];
            } else {
                int px = 0xFF000000;
                for (int shift = 16; shift >= 0; shift -= 8) {
                    float v = m * ((a[i] >> shift) & 0xFF) + (1 - m) * ((b[i] >> shift) & 0xFF);
                    px |= Math.min(255, Math.round(v)) << shift;
                }
                out[i] = px;
            }
        }
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        img.setRGB(0, 0, w, h, out, 0, w);
        return img;
    }
}
