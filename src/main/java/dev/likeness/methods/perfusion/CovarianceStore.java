package dev.likeness.methods.perfusion;

import dev.likeness.pipeline.ProgressListener;
import dev.likeness.pipeline.SdModel;
import dev.likeness.util.AppDirs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where a model's C⁻¹ is kept: in the user cache ({@code -Dlikeness.cacheDir}, {@code $LIKENESS_CACHE}, else the OS's
 * cache folder), keyed by the text encoder's fingerprint, so every copy of the same weights shares one file. A model's
 * own folder is never written (it may be read-only, shared, or synced); a file that older versions left next to a
 * model is still read.
 */
public final class CovarianceStore {
    static final String LEGACY_FOLDER_FILE = "likeness-perfusion-covariance.safetensors";

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
        save(c);
        return c;
    }

    /** The kept covariance of this model's text encoder, or null. */
    static Covariance find(SdModel model, String encoder) throws IOException {
        for (Path p : new Path[] {cacheFile(encoder), legacyBesideModel(model)}) {
            if (p != null && Files.isRegularFile(p)) {
                Covariance c;
                try {
                    c = Covariance.read(p);
                } catch (Covariance.StaleCovarianceException e) {
                    continue; // computed again (and overwritten) from the default corpus
                }
                if (c.encoder().equals(encoder)) {
                    return c;
                }
            }
        }
        return null;
    }

    /** Stores in the user cache (replacing the file atomically); returns the file. */
    public static Path save(Covariance c) throws IOException {
        Path target = cacheFile(c.encoder());
        Files.createDirectories(target.getParent());
        c.write(target);
        return target;
    }

    static Path cacheFile(String encoder) {
        return AppDirs.cacheDir().resolve("perfusion").resolve("covariance-" + encoder.substring(0, 32)
                + ".safetensors");
    }

    /** Where versions before 0.1 kept it (read, never written). */
    private static Path legacyBesideModel(SdModel model) {
        String path = model.info().path();
        if (path == null || path.isBlank()) {
            return null;
        }
        Path p = Path.of(path).toAbsolutePath();
        if (Files.isDirectory(p)) {
            return p.resolve(LEGACY_FOLDER_FILE);
        }
        String name = p.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return p.resolveSibling((dot > 0 ? name.substring(0, dot) : name) + ".perfusion-covariance.safetensors");
    }
}
