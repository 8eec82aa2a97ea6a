package dev.likeness.concepts;

import java.util.List;

/**
 * A concept as the library lists it: its manifest's fields as stored in {@code <concepts>/<name>/concept.json}, plus the payload files beside it.
 *
 * @param name        folder name, a {@link ConceptName}
 * @param method      personalization method (textual-inversion, dreambooth, perfusion, palp, ...)
 * @param token       placeholder token used in prompts, e.g. {@code <my-cat>}
 * @param classWord   the class the concept belongs to, e.g. "cat"
 * @param modelFamily model family it was trained for ("sd1", "sd2")
 * @param created     ISO-8601 creation time
 * @param targetPrompt the prompt a PALP concept was trained for (editors pre-fill it), else null
 * @param files       payload file names (besides concept.json)
 * @param sizeBytes   total size of the folder
 */
public record StoredConcept(String name, String method, String token, String classWord, String modelFamily,
        String created, String targetPrompt, List<String> files, long sizeBytes) {
    public StoredConcept {
        files = List.copyOf(files);
    }
}
