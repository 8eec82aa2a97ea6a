package dev.likeness.server.store;

import dev.likeness.util.AtomicFiles;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.HexFormat;

/**
 * Files shared by every front and worker, named by their sha256: up to {@code tableLimit} bytes in PostgreSQL
 * ({@code bytea}), larger ones in the shared folder every machine mounts ({@code blobs/ab/abcd…}). Storing the same
 * content twice stores it once.
 */
public final class BlobStore {
    private final Database db;
    private final Path sharedDir;
    private final long tableLimit;

    /** A stored file: its content hash and size. */
    public record Blob(String sha256, long size) {}

    public BlobStore(Database db, Path sharedDir, long tableLimit) {
        this.db = db;
        this.sharedDir = sharedDir;
        this.tableLimit = tableLimit;
    }

    public Blob put(Path file) throws IOException {
        long size = Files.size(file);
        String sha = sha256(file);
        Blob blob = new Blob(sha, size);
        if (size <= tableLimit) {
            byte[] data = Files.readAllBytes(file);
            db.transaction(c -> {
                try (PreparedStatement st = c.prepareStatement("INSERT INTO likeness_blobs (sha256, size, data) "
                        + "VALUES (?, ?, ?) ON CONFLICT (sha256) DO NOTHING")) {
                    st.setString(1, sha);
                    st.setLong(2, size);
                    st.setBytes(3, data);
                    st.executeUpdate();
                }
                return null;
            });
            return blob;
        }
        if (sharedDir == null) {
            throw new IOException("a " + (size >> 20) + " MB file is larger than the store keeps in PostgreSQL ("
                    + (tableLimit >> 20) + " MB): give every front and worker the same --shared folder");
        }
        Path target = folderFile(sha);
        if (!Files.isRegularFile(target) || Files.size(target) != size) {
            Files.createDirectories(target.getParent());
            Path tmp = target.resolveSibling("." + sha + "." + ProcessHandle.current().pid() + ".tmp");
            Files.copy(file, tmp, StandardCopyOption.REPLACE_EXISTING);
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        }
        db.transaction(c -> {
            try (PreparedStatement st = c.prepareStatement("INSERT INTO likeness_blobs (sha256, size, data) "
                    + "VALUES (?, ?, NULL) ON CONFLICT (sha256) DO NOTHING")) {
                st.setString(1, sha);
                st.setLong(2, size);
                st.executeUpdate();
            }
            return null;
        });
        return blob;
    }

    /** Writes the blob to {@code target} atomically. */
    public void copyTo(String sha, Path target) throws IOException {
        byte[] data = db.transaction(c -> {
            try (PreparedStatement st = c.prepareStatement("SELECT data FROM likeness_blobs WHERE sha256 = ?")) {
                st.setString(1, sha);
                try (ResultSet rs = st.executeQuery()) {
                    return rs.next() ? rs.getBytes(1) : null;
                }
            }
        });
        Files.createDirectories(target.toAbsolutePath().getParent());
        if (data != null) {
            AtomicFiles.writeBytes(target, data);
            return;
        }
        Path source = sharedDir == null ? null : folderFile(sha);
        if (source == null || !Files.isRegularFile(source)) {
            throw new IOException("stored file " + sha + " is missing (is the --shared folder the same everywhere?)");
        }
        Path tmp = target.resolveSibling("." + target.getFileName() + ".tmp");
        Files.copy(source, tmp, StandardCopyOption.REPLACE_EXISTING);
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private Path folderFile(String sha) {
        return sharedDir.resolve("blobs").resolve(sha.substring(0, 2)).resolve(sha);
    }

    static String sha256(Path file) throws IOException {
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), MessageDigest.getInstance("SHA-256"))) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
            return HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
