package dev.likeness.server.security;

import dev.likeness.util.AtomicFiles;
import dev.likeness.util.Json;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.AclEntry;
import java.nio.file.attribute.AclEntryPermission;
import java.nio.file.attribute.AclEntryType;
import java.nio.file.attribute.AclFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.EnumSet;
import java.util.List;

/**
 * {@code runtime.json}: how local clients find the server (URL, ports) and the token. Readable by the owner only,
 * written atomically, removed on a clean stop.
 */
public final class RuntimeFile {
    /** What clients read. {@code py4jPort} is -1 when the gateway is off. */
    public record Content(int version, long pid, String url, String host, int port, int py4jPort, String token,
            String startedAt) {}

    private RuntimeFile() {}

    public static void write(Path file, Content content) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        restrictToOwner(dir, true);
        // Files.createTempFile (used by AtomicFiles) creates 0600 files on POSIX; the rename keeps them.
        AtomicFiles.writeString(file, Json.write(content));
        restrictToOwner(file, false);
    }

    public static Content read(Path file) throws IOException {
        return Json.MAPPER.readValue(file.toFile(), Content.class);
    }

    public static void delete(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // best effort on shutdown; the next start overwrites it
        }
    }

    static void restrictToOwner(Path path, boolean directory) throws IOException {
        if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            Files.setPosixFilePermissions(path, PosixFilePermissions.fromString(directory ? "rwx------" : "rw-------"));
            return;
        }
        AclFileAttributeView acl = Files.getFileAttributeView(path, AclFileAttributeView.class);
        if (acl != null) {
            UserPrincipal owner = Files.getOwner(path);
            AclEntry onlyOwner = AclEntry.newBuilder().setType(AclEntryType.ALLOW).setPrincipal(owner)
                    .setPermissions(EnumSet.allOf(AclEntryPermission.class)).build();
            acl.setAcl(List.of(onlyOwner));
        }
    }
}
