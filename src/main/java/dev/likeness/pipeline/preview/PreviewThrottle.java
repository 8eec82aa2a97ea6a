package dev.likeness.pipeline.preview;

import java.util.function.LongSupplier;

/** At most one preview per interval; the last step always gets one (it is what the result will look like). */
public final class PreviewThrottle {
    /** ≤ 2 previews per second. */
    public static final long DEFAULT_INTERVAL_MILLIS = 500;
    private final long intervalNanos;
    private final LongSupplier nanoClock;
    private long lastShown;
    private boolean shown;

    public PreviewThrottle(long intervalMillis, LongSupplier nanoClock) {
        if (intervalMillis < 0) {
            throw new IllegalArgumentException("a preview interval cannot be negative");
        }
        this.intervalNanos = intervalMillis * 1_000_000L;
        this.nanoClock = nanoClock;
    }

    public static PreviewThrottle defaults() {
        return new PreviewThrottle(DEFAULT_INTERVAL_MILLIS, System::nanoTime);
    }

    /** Whether a preview may be shown now; if so, it counts as shown. */
    public synchronized boolean allow(boolean last) {
        long now = nanoClock.getAsLong();
        if (last || !shown || now - lastShown >= intervalNanos) {
            lastShown = now;
            shown = true;
            return true;
        }
        return false;
    }
}
