package dev.likeness.pipeline;

/**
 * Something applied to a loaded model until the handle closes: a request's concept patches, a switched-off
 * personalization, a scaled adapter. {@code try (Applied a = ...) { ... }} takes it back however the block ends, so no
 * caller has to remember a {@code finally}.
 */
@FunctionalInterface
public interface Applied extends AutoCloseable {
    /** Takes the change back; never throws a checked exception. */
    @Override
    void close();
}
