package dev.likeness.cli;

import dev.likeness.pipeline.ProgressListener;
import java.io.PrintStream;

/** A one-line progress bar on stderr, shown only once a run has lasted more than a second. */
final class ProgressBar implements ProgressListener {
    private static final int WIDTH = 30;
    private final PrintStream out;
    private final long start = System.nanoTime();
    private boolean drawn;

    ProgressBar(PrintStream out) {
        this.out = out;
    }

    @Override
    public void onProgress(int step, int total, String message) {
        double elapsed = (System.nanoTime() - start) / 1e9;
        if (elapsed < 1.0 && step < total) {
            return;
        }
        if (elapsed < 1.0 && !drawn) {
            return;
        }
        int filled = total == 0 ? WIDTH : (int) ((long) WIDTH * step / total);
        double eta = step == 0 ? 0 : elapsed / step * (total - step);
        out.printf("\r[%s%s] %d/%d %s %.1fs elapsed, eta %.1fs ", "#".repeat(filled), " ".repeat(WIDTH - filled),
                step, total, message, elapsed, eta);
        drawn = true;
        if (step >= total) {
            done();
        }
    }

    void done() {
        if (drawn) {
            out.println();
            drawn = false;
        }
    }
}
