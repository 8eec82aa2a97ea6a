package dev.likeness.api;

/** A model or file that cannot be used, with a one-line message for the user. Unchecked, so lambdas stay clean. */
public final class LikenessException extends RuntimeException {
    LikenessException(String message, Throwable cause) {
        super(message, cause);
    }
}
