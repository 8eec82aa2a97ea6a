package dev.likeness.methods.perfusion;

import java.nio.file.Path;

/**
 * Points the user cache at one folder under target/ for the tests that only need a covariance, so the tiny models'
 * covariance is computed once per build instead of once per test class.
 */
public final class SharedCache {
    private SharedCache() {}

    public static void use() {
        System.setProperty("likeness.cacheDir", Path.of("target", "test-user-cache").toAbsolutePath().toString());
    }
}
