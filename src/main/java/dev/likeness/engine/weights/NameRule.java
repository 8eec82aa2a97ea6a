package dev.likeness.engine.weights;

import java.util.List;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One line of a renaming table: a regular expression that must match the whole name, and the new name built from
 * its groups. The builder may return null to say "matched, but not a name we know".
 */
record NameRule(Pattern pattern, Function<Matcher, String> target) {
    static NameRule of(String regex, Function<Matcher, String> target) {
        return new NameRule(Pattern.compile(regex), target);
    }

    /** A rule that keeps the rest of the name after replacing the matched prefix. */
    static NameRule prefix(String from, String to) {
        return of(Pattern.quote(from) + "(.+)", m -> to + m.group(1));
    }

    /** {@code first}'s rules, then {@code second}'s, as one table. */
    static List<NameRule> concat(List<NameRule> first, List<NameRule> second) {
        List<NameRule> all = new java.util.ArrayList<>(first);
        all.addAll(second);
        return List.copyOf(all);
    }

    /** The result of the first matching rule, or null if none matches. */
    static String apply(List<NameRule> rules, String name) {
        for (NameRule rule : rules) {
            Matcher m = rule.pattern.matcher(name);
            if (m.matches()) {
                return rule.target.apply(m);
            }
        }
        return null;
    }

    static int group(Matcher m, int group) {
        return Integer.parseInt(m.group(group));
    }

    /** One more than the largest index {@code pattern}'s first group captures over {@code names}; 0 for none. */
    static int countIndexed(java.util.regex.Pattern pattern, java.util.Set<String> names) {
        int last = -1;
        for (String name : names) {
            Matcher m = pattern.matcher(name);
            if (m.matches()) {
                last = Math.max(last, group(m, 1));
            }
        }
        return last + 1;
    }
}
