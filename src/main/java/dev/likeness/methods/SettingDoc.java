package dev.likeness.methods;

/**
 * What one setting means and where its default comes from.
 *
 * @param name        the JSON name (CLI {@code --option NAME=VALUE}, API {@code options.NAME})
 * @param source      the paper or reference script the default follows, or "ours" with the reason
 * @param description what it does
 */
public record SettingDoc(String name, String source, String description) {}
