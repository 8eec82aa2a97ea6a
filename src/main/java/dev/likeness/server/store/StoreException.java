package dev.likeness.server.store;

/** The store could not do what was asked (unreachable past the retry window, refused, or a broken invariant). */
public final class StoreException extends RuntimeException {
    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
