package dev.likeness.cli;

import dev.likeness.pipeline.preview.PreviewFrame;
import dev.likeness.pipeline.preview.PreviewSink;
import dev.likeness.util.AtomicFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * {@code generate --preview FILE.png}: each live preview replaces the file atomically, so an image viewer that
 * reloads it never reads half a PNG. A preview that cannot be written is reported once and sampling goes on.
 */
final class PreviewFile implements PreviewSink {
    private final Path file;
    private boolean failed;

    PreviewFile(Path file) {
        this.file = file;
    }

    /** Refuses a preview path that is not a .png in an existing folder, or that is the output itself. */
    static void check(Path preview, Path out) {
        if (!preview.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".png")) {
            throw new IllegalArgumentException("--preview must name a .png file: " + preview);
        }
        Path parent = preview.toAbsolutePath().getParent();
        if (parent == null || !Files.isDirectory(parent)) {
            throw new IllegalArgumentException("--preview folder does not exist: " + parent);
        }
        if (Files.isDirectory(preview)) {
            throw new IllegalArgumentException("--preview is a folder: " + preview);
        }
        if (preview.toAbsolutePath().normalize().equals(out.toAbsolutePath().normalize())) {
            throw new IllegalArgumentException("--preview and --out must be different files");
        }
    }

    @Override
    public void accept(PreviewFrame frame) {
        if (failed) {
            return;
        }
        try {
            AtomicFiles.writeBytes(file, frame.png());
        } catch (IOException e) {
            failed = true;
            System.err.println("note: could not write the preview " + file + " (" + e.getMessage() + "); going on");
        }
    }
}
