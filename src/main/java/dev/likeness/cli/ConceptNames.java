package dev.likeness.cli;

import java.util.List;
import java.util.Locale;

/** How `train --out` becomes a concept name: {@code pf.safetensors} is the concept {@code pf} with token {@code <pf>}. */
final class ConceptNames {
    private static final List<String> FILE_EXTENSIONS = List.of(".safetensors", ".pt", ".bin", ".ckpt", ".json");

    private ConceptNames() {}

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
