package dev.likeness.testing;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;

/** Small synthetic subject images: a coloured blob on a transparent background (alpha = subject mask). */
public final class TestImages {
    private TestImages() {}

    public static BufferedImage subject(int size, int variant) {
        BufferedImage img = new BufferedImage(size, size, BufferedImage.TYPE_INT_ARGB);
        Graphics2D g = img.createGraphics();
        g.setColor(variant % 2 == 0 ? new Color(200, 60, 40) : new Color(40, 90, 200));
        int r = size / 3 + variant * 2;
        g.fillOval(size / 2 - r, size / 2 - r + variant * 3, 2 * r, 2 * r);
        g.setColor(Color.YELLOW);
        g.fillRect(size / 2 - 4, size / 4, 8, 8);
        g.dispose();
        return img;
    }

    /** The image composited on black, opaque (TYPE_INT_RGB: no alpha channel, so no subject mask). */
    public static BufferedImage onBlack(BufferedImage img) {
        BufferedImage out = new BufferedImage(img.getWidth(), img.getHeight(), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.drawImage(img, 0, 0, null);
        g.dispose();
        return out;
    }

    /** The image composited on black, with an alpha channel that is 255 everywhere (an all-ones subject mask). */
    public static BufferedImage opaqueWithAlpha(BufferedImage img) {
        BufferedImage out = new BufferedImage(img.getWidth(), img.getHeight(), BufferedImage.TYPE_INT_ARGB);
        Graphics2D g = out.createGraphics();
        g.drawImage(onBlack(img), 0, 0, null);
        g.dispose();
        return out;
    }
}
