package dev.likeness.engine.tokenizer;

/**
 * A string matched whole before pre-tokenization, as Hugging Face "added tokens" are. A {@code normalized}
 * token is looked for in the normalized (lowercased, whitespace-collapsed) text, so {@code <My-Cat>} in a
 * prompt finds {@code <my-cat>}; the others are looked for verbatim in the raw text, before normalization.
 */
record AddedToken(String content, int id, boolean special, boolean normalized) {}
