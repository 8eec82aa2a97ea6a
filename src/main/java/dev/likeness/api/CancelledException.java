package dev.likeness.api;

/** A generation or training run stopped by its {@link CancelToken}. */
public final class CancelledException extends RuntimeException {
    CancelledException(Throwable cause) {
        super("cancelled", cause);
    }
}
