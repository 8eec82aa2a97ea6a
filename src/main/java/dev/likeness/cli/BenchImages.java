package dev.likeness.cli;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;

/** Synthetic reference images for benchmarks: a coloured disc with a square, on transparency (a subject mask). */
final class BenchImages {
    private BenchImages() {}

    static BufferedImage subject(int size, int variant) {
        BufferedImage img = new BufferedImage(size, size, BufferedImage.TYPE_INT_ARGB);
        Graphics2D g = img.createGraphics();
        g.setColor(variant % 2 == 0 ? new Color(200, 60, 40) : new Color(40, 90, 200));
        int r = size / 3;
        g.fillOval(size / 2 - r, size / 2 - r + variant * size / 20, 2 * r, 2 * r);
        g.setColor(Color.YELLOW);
        g.fillRect(size / 2 - size / 16, size / 4, size / 8, size / 8);
        g.dispose();
        return img;
    }
}
