package dev.likeness.concepts;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The one rule for concept names, everywhere (CLI, server, editors): a lower-case slug of 1-64 characters, so a
 * name is also a safe folder name, a URL path segment, and unique on case-insensitive file systems.
 */
public final class ConceptName {
    public static final Pattern PATTERN = Pattern.compile("[a-z0-9][a-z0-9_-]{0,63}");
    public static final String RULE = "a concept name is 1-64 characters of a-z, 0-9, '-' and '_'";

    private ConceptName() {}

    public static boolean isValid(String s) {
        return s != null && PATTERN.matcher(s).matches();
    }

    /**
     * The valid name closest to what a user typed: {@code MyCat} is {@code mycat}, {@code my cat.v2} is
     * {@code my-cat-v2}. Null when nothing usable is left (no letter or digit).
     */
    public static String slug(String typed) {
        String s = typed.strip().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_-]+", "-")
                .replaceAll("^[-_]+", "").replaceAll("-+$", "");
        if (s.length() > 64) {
            s = s.substring(0, 64).replaceAll("-+$", "");
        }
        return isValid(s) ? s : null;
    }
}
