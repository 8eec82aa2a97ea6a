package dev.likeness.pipeline;

import java.util.concurrent.atomic.AtomicBoolean;

/** Cooperative cancellation: long loops check it between steps and throw {@link CancelledException}. */
public final class CancelSignal {
    private final AtomicBoolean cancelled = new AtomicBoolean();

    public static CancelSignal none() {
        return new CancelSignal();
    }

    public void cancel() {
        cancelled.set(true);
    }

    public boolean isCancelled() {
        return cancelled.get();
    }

    public void throwIfCancelled() {
        if (cancelled.get()) {
            throw new CancelledException();
        }
    }

    /** Thrown between steps when the run was cancelled. */
    public static final class CancelledException extends RuntimeException {
        public CancelledException() {
            super("cancelled");
        }
    }
}
