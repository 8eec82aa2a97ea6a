package dev.likeness.server.store;

import java.io.IOException;
import dev.likeness.server.security.SecretFile;
import java.nio.file.Path;
import java.util.Map;

/**
 * The store's password: from a file only its owner can read ({@code --store-password-file}, mode 0600 or 0400), else
 * from {@code LIKENESS_STORE_PASSWORD}, else none (trust or peer authentication). Never from the command line.
 */
public final class StorePassword {
    public static final String ENV = "LIKENESS_STORE_PASSWORD";
    private StorePassword() {}

    public static String resolve(Path file, Map<String, String> env) throws IOException {
        if (file != null) {
            return read(file);
        }
        String value = env.get(ENV);
        return value == null || value.isEmpty() ? null : value;
    }

    static String read(Path file) throws IOException {
        return SecretFile.read(file, "--store-password-file");
    }
}
