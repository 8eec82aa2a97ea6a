package dev.likeness.methods;

import dev.likeness.concepts.ConceptManifest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Writes a concept in the formats other tools read, through its method's {@link ConceptAdapter}:
 * <ul>
 *   <li>Textual Inversion: {@code a1111} or {@code diffusers} embedding files;</li>
 *   <li>DreamBooth LoRA: {@code kohya} (= {@code a1111}, which reads kohya's keys) or {@code diffusers} (peft) LoRA
 *       files;</li>
 *   <li>full DreamBooth: {@code a1111} (= {@code single-file}: an original-format checkpoint) or {@code diffusers}
 *       (a copy of the model folder).</li>
 * </ul>
 */
public final class ConceptExport {
    private ConceptExport() {}

    public static void export(Path conceptDir, String format, Path out) throws IOException {
        export(MethodRegistry.standard(), conceptDir, format, out);
    }

    /** The same with the methods of {@code registry} (a test registers one of its own). */
    public static void export(MethodRegistry registry, Path conceptDir, String format, Path out) throws IOException {
        ConceptManifest c = ConceptManifest.read(conceptDir);
        if (Files.exists(out)) {
            throw new IOException("will not overwrite " + out);
        }
        ConceptApplier.adapter(registry, c).export(conceptDir, c, format.toLowerCase(Locale.ROOT), out);
    }

    /** The error for a format that the concept's kind does not export to. */
    public static IllegalArgumentException unknownFormat(String format, String known, String what) {
        return new IllegalArgumentException("format '" + format + "' does not fit " + what + " concept (" + known + ")");
    }
}
