package dev.likeness.engine.nn;

/**
 * A check run between the blocks of a long forward pass (the UNet calls {@link #check()} after each block), so that
 * a cancel lands within one block even when one sampling step takes minutes. The check is per thread and off
 * unless a caller {@link #install}s one (the sampling loop installs its cancel signal). It never touches tensors.
 */
public final class BlockBoundary {
    private static final ThreadLocal<Runnable> CHECK = new ThreadLocal<>();

    /** Restores the previous check of this thread when closed. */
    public interface Installed extends AutoCloseable {
        @Override
        void close();
    }

    private BlockBoundary() {}

    /** Runs {@code check} (which may throw to abandon the pass) at every block boundary on this thread. */
    public static Installed install(Runnable check) {
        Runnable previous = CHECK.get();
        CHECK.set(check);
        return () -> {
            if (previous == null) {
                CHECK.remove();
            } else {
                CHECK.set(previous);
            }
        };
    }

    /** Called by models between blocks. */
    public static void check() {
        Runnable r = CHECK.get();
        if (r != null) {
            r.run();
        }
    }
}
