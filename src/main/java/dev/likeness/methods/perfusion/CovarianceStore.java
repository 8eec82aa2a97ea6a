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

    /** -Dlikeness.cacheDir, else $LIKENESS_CACHE, else the OS's user cache folder (XDG on Linux). */
    static Path cacheRoot() {
        String prop = System.getProperty("likeness.cacheDir");
        if (prop != null && !prop.isBlank()) {
            return Path.of(prop);
        }
        String env = System.getenv("LIKENESS_CACHE");
        if (env != null && !env.isBlank()) {
            return Path.of(env);
        }
        Path home = Path.of(System.getProperty("user.home"));
        String os = System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT);
        if (os.startsWith("windows") && System.getenv("LOCALAPPDATA") != null) {
            return Path.of(System.getenv("LOCALAPPDATA"), "likeness", "cache");
        }
        if (os.startsWith("mac")) {
            return home.resolve("Library").resolve("Caches").resolve("likeness");
        }
        String xdg = System.getenv("XDG_CACHE_HOME");
        if (xdg != null && !xdg.isBlank() && Path.of(xdg).isAbsolute()) {
            return Path.of(xdg, "likeness");
        }
        return home.resolve(".cache").resolve("likeness");
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
