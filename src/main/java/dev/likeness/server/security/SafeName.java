package dev.likeness.server.security;

import dev.likeness.concepts.ConceptName;
import dev.likeness.server.api.ApiException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * Names from clients that end up as file names (concepts, models, jobs, uploads) are checked here once, at the
 * boundary. A checked name holds no separator, no "..", no NUL and nothing outside a small alphabet.
 */
public final class SafeName {
    /** Concept names: the library's one rule (a lower-case slug). */
    public static final Pattern CONCEPT = ConceptName.PATTERN;
    /** Model names: a file or folder name in the models folder. */
    public static final Pattern MODEL = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
    /** Job and upload ids as this server makes them. */
    public static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9-]{0,63}");

    private SafeName() {}

    public static String concept(String field, String raw) {
        return check(CONCEPT, field, raw, ConceptName.RULE);
    }

    public static String model(String field, String raw) {
        String name = check(MODEL, field, raw, "a model name is a file or folder name in the models folder");
        if (name.contains("..")) {
            throw new ApiException(400, "INVALID_NAME", "a model name must not contain '..'", field);
        }
        return name;
    }

    public static String id(String field, String raw) {
        return check(ID, field, raw, "not a valid id");
    }

    private static String check(Pattern pattern, String field, String raw, String rule) {
        if (raw == null || !pattern.matcher(raw).matches()) {
            throw new ApiException(400, "INVALID_NAME", rule, field);
        }
        return raw;
    }

    /**
     * Resolves a checked name under root and makes sure that, after following links, it is still inside root.
     * Returns the path whether or not it exists.
     */
    public static Path resolveUnder(Path root, String checkedName) {
        try {
            Path realRoot = root.toRealPath();
            Path candidate = realRoot.resolve(checkedName);
            if (Files.exists(candidate) && !candidate.toRealPath().startsWith(realRoot)) {
                throw new ApiException(400, "INVALID_NAME", "'" + checkedName + "' points outside its folder");
            }
            return candidate;
        } catch (java.io.IOException e) {
            throw new ApiException(500, "STORAGE_ERROR", "cannot access the data folder");
        }
    }
}
