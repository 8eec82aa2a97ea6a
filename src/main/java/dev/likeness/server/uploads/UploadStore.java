package dev.likeness.server.uploads;

import dev.likeness.server.api.ApiException;
import dev.likeness.server.config.Limits;
import dev.likeness.server.security.PngImages;
import dev.likeness.server.security.SafeName;
import dev.likeness.server.security.Tokens;
import dev.likeness.util.AtomicFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.stream.Stream;

/**
 * PNG images waiting to be used by a job. An upload is validated completely (header limits and admission, then a
 * full decode) before it is stored, so jobs only ever see images that decode. Uploads expire after {@link #TTL}.
 */
public final class UploadStore {
    public static final Duration TTL = Duration.ofHours(2);
    private final Path root;
    private final Limits limits;
    private final DecodeAdmission decodes;

    public record Upload(String id, int width, int height, long bytes) {}

    public UploadStore(Path root, Limits limits) {
        this.root = root;
        this.limits = limits;
        this.decodes = new DecodeAdmission(limits.decodes());
        try {
            Files.createDirectories(root);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Header limits, the pending-upload count and the decode admission (count and decoded bytes, from the IHDR) are
     * all checked before the image is decoded; only then is it decoded in full, and stored.
     */
    public Upload put(byte[] png) {
        PngImages.Header header = PngImages.inspect(png, limits);
        synchronized (this) {
            checkRoom();
        }
        try (DecodeAdmission.Ticket t = decodes.admit(header)) {
            PngImages.decode(png, header);
        }
        synchronized (this) {
            checkRoom();
            String id = "up-" + Tokens.randomHex(12);
            try {
                AtomicFiles.writeBytes(root.resolve(id + ".png"), png);
            } catch (IOException e) {
                throw new ApiException(500, "STORAGE_ERROR", "the upload could not be stored");
            }
            return new Upload(id, header.width(), header.height(), png.length);
        }
    }

    private void checkRoom() {
        expire();
        if (count() >= limits.maxPendingUploads()) {
            throw new ApiException(429, "TOO_MANY_UPLOADS", "too many uploads are waiting for a job (limit "
                    + limits.maxPendingUploads() + "); submit jobs or wait for uploads to expire");
        }
    }

    /** The decode admission (shared by HTTP and Py4J uploads). */
    public DecodeAdmission decodes() {
        return decodes;
    }

    /** The stored file of an upload; 400 naming {@code field} when the id is unknown or expired. */
    public Path file(String field, String rawId) {
        String id = SafeName.id(field, rawId);
        Path f = root.resolve(id + ".png");
        if (!Files.isRegularFile(f)) {
            throw new ApiException(400, "UNKNOWN_UPLOAD", "upload '" + id + "' does not exist or has expired", field);
        }
        return f;
    }

    private long count() {
        try (Stream<Path> files = Files.list(root)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".png")).count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Deletes expired uploads and temp files left by a crash. */
    public synchronized void expire() {
        Instant cutoff = Instant.now().minus(TTL);
        try (Stream<Path> files = Files.list(root)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                String n = p.getFileName().toString();
                if (n.endsWith(".tmp") || Files.getLastModifiedTime(p).toInstant().isBefore(cutoff)) {
                    Files.deleteIfExists(p);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
