package dev.likeness.engine.weights;

import java.util.ArrayList;
import java.util.List;

/**
 * Name prefixes that correspond one to one, declared once as (LDM, diffusers) pairs: {@link #toDiffusers} renames
 * LDM names (the loader), {@link #toLdm} the other way (the single-file writer). The prefixes of one table must not
 * overlap, so the order the rules are tried in does not matter.
 */
record PrefixPairs(List<String> ldm, List<String> diffusers) {
    /** {@code ldm1, diffusers1, ldm2, diffusers2, ...}. */
    static PrefixPairs of(String... ldmThenDiffusers) {
        if (ldmThenDiffusers.length % 2 != 0) {
            throw new IllegalArgumentException("prefix pairs come in twos");
        }
        List<String> ldm = new ArrayList<>();
        List<String> diffusers = new ArrayList<>();
        for (int i = 0; i < ldmThenDiffusers.length; i += 2) {
            ldm.add(ldmThenDiffusers[i]);
            diffusers.add(ldmThenDiffusers[i + 1]);
        }
        return new PrefixPairs(List.copyOf(ldm), List.copyOf(diffusers));
    }

    List<NameRule> toDiffusers() {
        return rules(ldm, diffusers);
    }

    List<NameRule> toLdm() {
        return rules(diffusers, ldm);
    }

    private static List<NameRule> rules(List<String> from, List<String> to) {
        List<NameRule> rules = new ArrayList<>();
        for (int i = 0; i < from.size(); i++) {
            rules.add(NameRule.prefix(from.get(i), to.get(i)));
        }
        return List.copyOf(rules);
    }
}
