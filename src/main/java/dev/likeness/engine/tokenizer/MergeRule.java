package dev.likeness.engine.tokenizer;

/** One line of merges.txt: the two symbols that BPE joins, e.g. {@code "t h"} → {@code "th"}. */
record MergeRule(String left, String right) {
    /** @throws IllegalArgumentException unless the line is two non-empty symbols separated by one space */
    static MergeRule parse(String line) {
        int space = line.indexOf(' ');
        if (space <= 0 || space == line.length() - 1 || line.indexOf(' ', space + 1) >= 0) {
            throw new IllegalArgumentException("expected two symbols separated by one space, got '" + line + "'");
        }
        return new MergeRule(line.substring(0, space), line.substring(space + 1));
    }

    String merged() {
        return left + right;
    }
}
