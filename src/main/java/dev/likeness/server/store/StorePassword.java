package dev.likeness.server.store;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * The store's password: from a file only its owner can read ({@code --store-password-file}, mode 0600 or 0400), else
 * from {@code LIKENESS_STORE_PASSWORD}, else none (trust or peer authentication). Never from the command line.
 */
public final class StorePassword {
    public static final String ENV = "LIKENESS_STORE_PASSWORD";
    private static final Set<PosixFilePermission> OTHERS = EnumSet.of(PosixFilePermission.GROUP_READ,
            PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.OTHERS_READ,
            PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);

    private StorePassword() {}

    public static String resolve(Path file, Map<String, String> env) throws IOException {
        if (file != null) {
            return read(file);
        }
        String value = env.get(ENV);
        return value == null || value.isEmpty() ? null : value;
    }

    static String read(Path file) throws IOException {
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            throw new IllegalArgumentException("--store-password-file " + file + " is not a regular file");
        }
        Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file, LinkOption.NOFOLLOW_LINKS);
        if (perms.stream().anyMatch(OTHERS::contains)) {
            throw new IllegalArgumentException("--store-password-file " + file + " can be read by others: make it "
                    + "owner-only (chmod 600)");
        }
        String text = Files.readString(file, StandardCharsets.UTF_8).strip();
        if (text.isEmpty() || text.contains("\n")) {
            throw new IllegalArgumentException("--store-password-file " + file + " must hold the password on one line");
        }
        return text;
    }
}
