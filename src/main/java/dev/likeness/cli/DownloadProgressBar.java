package dev.likeness.cli;

import java.io.PrintWriter;

/** A one-line text progress bar for downloads, redrawn at most ten times a second. */
final class DownloadProgressBar {
    private static final int WIDTH = 30;
    private final PrintWriter out;
    private final String label;
    private final long startNanos = System.nanoTime();
    private long lastDraw;
    private long done;
    private long total = -1;

    DownloadProgressBar(PrintWriter out, String label) {
        this.out = out;
        this.label = label;
    }

    void update(long doneBytes, long totalBytes) {
        done = doneBytes;
        total = totalBytes;
        long now = System.nanoTime();
        if (now - lastDraw > 100_000_000L) {
            lastDraw = now;
            draw();
        }
    }

    void finish() {
        if (done > 0) {
            draw();
            out.println();
            out.flush();
        }
    }

    private void draw() {
        double secs = Math.max(1e-3, (System.nanoTime() - startNanos) / 1e9);
        String speed = mb(done / secs) + "/s";
        String line;
        if (total > 0) {
            int filled = (int) (WIDTH * Math.min(1.0, (double) done / total));
            line = String.format("\r%s [%s%s] %3d%% %s/%s %s", label, "=".repeat(filled), " ".repeat(WIDTH - filled),
                    (int) (100 * done / total), mb(done), mb(total), speed);
        } else {
            line = String.format("\r%s %s %s", label, mb(done), speed);
        }
        out.print(line);
        out.flush();
    }

    private static String mb(double bytes) {
        return String.format("%.1f MB", bytes / (1024 * 1024));
    }
}
