package dev.likeness.server.jobs;

import dev.likeness.server.api.ApiException;

/**
 * How a concept named in a job spec is refused: a name that is not allowed (or that points outside the library) is
 * INVALID_NAME, as for the concept routes; a missing one is UNKNOWN_CONCEPT.
 */
final class ConceptRefs {
    private ConceptRefs() {}

    /** The 400 for the spec field {@code field}, from what the concept library answered. */
    static ApiException refused(ApiException fromStore, String field) {
        String code = fromStore.code().equals("INVALID_NAME") ? "INVALID_NAME" : "UNKNOWN_CONCEPT";
        return new ApiException(400, code, fromStore.getMessage(), field);
    }
}
