package dev.likeness.api;

import java.nio.file.Path;

/** A trained concept folder, the token that calls it up in a prompt, and the fixed-batch loss before and after. */
public record TrainedConcept(Path folder, String token, String method, double lossBefore, double lossAfter) {}
