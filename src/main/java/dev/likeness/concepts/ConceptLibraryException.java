package dev.likeness.concepts;

import java.io.IOException;

/** Why the concept library refused a call; the server maps {@link Kind} to an HTTP status and error code. */
public final class ConceptLibraryException extends IOException {
    public enum Kind { INVALID_NAME, NOT_FOUND, EXISTS, UNREADABLE, STORAGE }

    private final Kind kind;
    private final String field;

    public ConceptLibraryException(Kind kind, String field, String message) {
        super(message);
        this.kind = kind;
        this.field = field;
    }

    public Kind kind() {
        return kind;
    }

    /** The request field the error is about ("name", "newName"), or null. */
    public String field() {
        return field;
    }
}
