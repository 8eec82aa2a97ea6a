package dev.likeness.server.jobs;

import dev.likeness.concepts.StoredConcept;
import dev.likeness.server.api.ApiException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * How a concept named in a job spec is refused: a name that is not allowed (or that points outside the library) is
 * INVALID_NAME, as for the concept routes; a missing one is UNKNOWN_CONCEPT.
 */
final class ConceptRefs {
    /** Most concepts one generation applies. */
    static final int MAX_PER_JOB = 8;

    private ConceptRefs() {}

    /**
     * {@code named} plus every library concept whose token the prompts use (as the other Stable Diffusion tools apply
     * an embedding named in the prompt): a prompt with {@code <my-dog>} gets that concept whether or not the request
     * listed it, and whichever process trained it.
     */
    static List<String> withMentioned(List<String> named, String prompts, List<StoredConcept> library) {
        Set<String> out = new LinkedHashSet<>(named);
        for (StoredConcept c : library) {
            if (c.token() != null && !c.token().isBlank() && prompts.contains(c.token())) {
                out.add(c.name());
            }
        }
        if (out.size() > MAX_PER_JOB) {
            throw ApiException.badRequest("concepts", "a generation applies at most " + MAX_PER_JOB + " concepts "
                    + "(listed or named by their tokens in the prompt); this one has " + out.size());
        }
        return List.copyOf(out);
    }

    /** The 400 for the spec field {@code field}, from what the concept library answered. */
    static ApiException refused(ApiException fromStore, String field) {
        String code = fromStore.code().equals("INVALID_NAME") ? "INVALID_NAME" : "UNKNOWN_CONCEPT";
        return new ApiException(400, code, fromStore.getMessage(), field);
    }
}
