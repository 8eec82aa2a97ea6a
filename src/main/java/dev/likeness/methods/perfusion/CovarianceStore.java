package dev.likeness.methods.perfusion;

import dev.likeness.pipeline.ProgressListener;
import dev.likeness.pipeline.SdModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;

/**
 * Where a model's C⁻¹ is kept: next to the model ({@code <folder>/likeness-perfusion-covariance.safetensors}, or
 * {@code <checkpoint>.perfusion-covariance.safetensors} beside a single file) when that folder may be written, else
 * in the user cache ({@code $LIKENESS_CACHE}, {@code $XDG_CACHE_HOME/likeness} or {@code ~/.cache/likeness}) keyed by
 * the text encoder's fingerprint. Read-only model folders (shared or system-wide weights) are never written.
 */
public final class CovarianceStore {
    static final String FOLDER_FILE = "likeness-perfusion-covariance.safetensors";

    private CovarianceStore() {}

    /** The model's covariance, computed from the default corpus (and stored) when none is kept yet. */
    public static Covariance forModel(SdModel model, ProgressListener listener) throws IOException {
        String encoder = EncoderFingerprint.of(model);
        Covariance found = find(model, encoder);
        if (found != null) {
            return found;
        }
        CaptionCorpus corpus = CaptionCorpus.defaultCorpus();
        System.err.println("likeness: computing this model's Perfusion covariance from the default captions (once)");
        Covariance c = CovarianceEstimator.estimate(model, corpus.captions(), corpus.sha256(), listener);
        save(model, c);
        return c;
    }

    /** The kept covariance of this model's text encoder, or null. */
    static Covariance find(SdModel model, String encoder) throws IOException {
        for (Path p : new Path[] {besideModel(model), userCache(encoder)}) {
            if (p != null && Files.isRegularFile(p)) {
                Covariance c = Covariance.read(p);
                if (c.encoder().equals(encoder)) {
                    return c;
                }
            }
        }
        return null;
    }

    /** Stores next to the model when allowed, else in the user cache; returns the file. */
    public static Path save(SdModel model, Covariance c) throws IOException {
        Path beside = besideModel(model);
        Path target = beside != null && mayWrite(beside.getParent()) ? beside : userCache(c.encoder());
        Files.createDirectories(target.getParent());
        c.write(target);
        return target;
    }

    static Path besideModel(SdModel model) {
        String path = model.info().path();
        if (path == null || path.isBlank()) {
            return null;
        }
        Path p = Path.of(path).toAbsolutePath();
        if (Files.isDirectory(p)) {
            return p.resolve(FOLDER_FILE);
        }
        String name = p.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return p.resolveSibling((dot > 0 ? name.substring(0, dot) : name) + ".perfusion-covariance.safetensors");
    }

    static Path userCache(String encoder) {
        return cacheRoot().resolve("perfusion").resolve("covariance-" + encoder.substring(0, 32) + ".safetensors");
    }

    static Path cacheRoot() {
        return dev.likeness.util.AppDirs.cacheDir();
    }

    /**
     * Whether Likeness should write into a folder: writable for this process and, on POSIX file systems, with a write
     * bit set (root may write anywhere, but a folder marked read-only is meant to stay as it is).
     */
    static boolean mayWrite(Path dir) {
        if (dir == null || !Files.isDirectory(dir) || !Files.isWritable(dir)) {
            return false;
        }
        try {
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(dir);
            return perms.contains(PosixFilePermission.OWNER_WRITE) || perms.contains(PosixFilePermission.GROUP_WRITE)
                    || perms.contains(PosixFilePermission.OTHERS_WRITE);
        } catch (UnsupportedOperationException | IOException e) {
            return true;
        }
    }
}
