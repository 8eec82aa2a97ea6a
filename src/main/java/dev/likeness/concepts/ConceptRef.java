package dev.likeness.concepts;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.StringJoiner;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A concept as a request names it, with options for this use: {@code my-teddy} or
 * {@code my-teddy@beta=0.65,tau=0.15,lock=global,form=approximate} (Perfusion's gate bias and temperature, global
 * key locking, the approximate multi-concept form). Requests carry these strings in their concept list, so the
 * options travel with the concept through the CLI, the server and the image metadata.
 */
public record ConceptRef(String name, Map<String, String> options) {
    public static final java.util.Set<String> KEYS = java.util.Set.of("beta", "tau", "lock", "form");
    private static final Pattern OPTIONS = Pattern.compile("@([a-z]+=[A-Za-z0-9.+-]+(?:,[a-z]+=[A-Za-z0-9.+-]+)*)$");

    public ConceptRef {
        options = Map.copyOf(options);
        for (String k : options.keySet()) {
            if (!KEYS.contains(k)) {
                throw new IllegalArgumentException("unknown concept option '" + k + "' (beta, tau, lock, form)");
            }
        }
    }

    public static ConceptRef parse(String ref) {
        Matcher m = OPTIONS.matcher(ref);
        if (!m.find()) {
            return new ConceptRef(ref, Map.of());
        }
        Map<String, String> options = new LinkedHashMap<>();
        for (String kv : m.group(1).split(",")) {
            int eq = kv.indexOf('=');
            options.put(kv.substring(0, eq), kv.substring(eq + 1));
        }
        return new ConceptRef(ref.substring(0, m.start()), options);
    }

    /** The reference with extra options (they replace options of the same name). */
    public ConceptRef with(Map<String, String> more) {
        Map<String, String> all = new LinkedHashMap<>(options);
        all.putAll(more);
        return new ConceptRef(name, all);
    }

    @Override
    public String toString() {
        if (options.isEmpty()) {
            return name;
        }
        StringJoiner j = new StringJoiner(",", name + "@", "");
        new java.util.TreeMap<>(options).forEach((k, v) -> j.add(k + "=" + v));
        return j.toString();
    }
}
