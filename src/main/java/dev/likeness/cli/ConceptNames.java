package dev.likeness.cli;

import dev.likeness.concepts.ConceptName;
import java.util.List;
import java.util.Locale;

/**
 * How `train --out` becomes a concept name: {@code pf.safetensors} is the concept {@code pf} with token {@code <pf>};
 * {@code MyCat} is {@code mycat}.
 */
final class ConceptNames {
    private static final List<String> FILE_EXTENSIONS = List.of(".safetensors", ".pt", ".bin", ".ckpt", ".json");

    private ConceptNames() {}

    /** The library's name for what the user typed ({@code MyCat} is {@code mycat}), said aloud when it differs. */
    static String libraryName(String typed) {
        String name = ConceptName.slug(typed);
        if (name == null) {
            throw new IllegalArgumentException("'" + typed + "' is not a usable concept name: " + ConceptName.RULE);
        }
        if (!name.equals(typed)) {
            System.err.println("note: the concept is named '" + name + "' (" + ConceptName.RULE + ")");
        }
        return name;
    }

    static String withoutFileExtension(String out) {
        String lower = out.toLowerCase(Locale.ROOT);
        for (String ext : FILE_EXTENSIONS) {
            if (lower.endsWith(ext) && out.length() > ext.length()) {
                return out.substring(0, out.length() - ext.length());
            }
        }
        return out;
    }
}
