/**
 * The embeddable engine: open a model, generate, train a concept, close. Everything that holds native memory is
 * {@link java.lang.AutoCloseable} (Kotlin's {@code use {}}); nothing here throws checked exceptions out of a
 * callback; parameters and results are non-null unless marked {@link org.jspecify.annotations.Nullable}, which
 * Kotlin reads as real nullability.
 */
@NullMarked
package dev.likeness.api;

import org.jspecify.annotations.NullMarked;
