package dev.likeness.methods;

import ai.djl.ndarray.NDManager;
import dev.likeness.concepts.ConceptManifest;
import dev.likeness.concepts.EmbeddingFiles;
import dev.likeness.methods.lora.LoraFiles;
import dev.likeness.methods.lora.LoraWeights;
import dev.likeness.pipeline.ModelExport;
import dev.likeness.pipeline.SdModel;
import dev.likeness.pipeline.SdModelLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Writes a concept in the formats other tools read:
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
        ConceptManifest c = ConceptManifest.read(conceptDir);
        String f = format.toLowerCase(Locale.ROOT);
        if (Files.exists(out)) {
            throw new IOException("will not overwrite " + out);
        }
        switch (c.method()) {
            case "textual-inversion" -> embedding(conceptDir, c, f, out);
            case "dreambooth" -> {
                if (ConceptApplier.fineTunedModel(conceptDir).isPresent()) {
                    fullModel(ConceptApplier.fineTunedModel(conceptDir).get(), f, out);
                } else {
                    lora(conceptDir.resolve(c.details().path("file").asText("lora.safetensors")), c, f, out);
                }
            }
            default -> throw new IOException("export of " + c.method() + " concepts is not available in this version");
        }
    }

    private static void embedding(Path dir, ConceptManifest c, String format, Path out) throws IOException {
        try (NDManager m = NDManager.newBaseManager()) {
            long width = c.details().path("width").asLong();
            List<EmbeddingFiles.Embedding> e = EmbeddingFiles.read(dir.resolve("embeddings.safetensors"), c.token(),
                    width, m);
            switch (format) {
                case "a1111" -> EmbeddingFiles.writeA1111(out, c.token(), e.get(0).vectors());
                case "diffusers" -> EmbeddingFiles.writeDiffusers(out, c.token(), e.get(0).vectors());
                default -> throw unknown(format, "a1111, diffusers", "a Textual Inversion");
            }
        }
    }

    private static void lora(Path file, ConceptManifest c, String format, Path out) throws IOException {
        try (NDManager m = NDManager.newBaseManager()) {
            LoraWeights w = LoraFiles.read(file, null, m);
            switch (format) {
                case "kohya", "a1111" -> LoraFiles.writeKohya(out, w, c.modelFamily().equals("sd2"));
                case "diffusers" -> LoraFiles.writeDiffusers(out, w);
                default -> throw unknown(format, "kohya (= a1111), diffusers", "a DreamBooth LoRA");
            }
        }
    }

    private static void fullModel(Path modelDir, String format, Path out) throws IOException {
        switch (format) {
            case "a1111", "single-file" -> {
                try (SdModel model = SdModelLoader.load(modelDir, null)) {
                    ModelExport.singleFile(model, out);
                }
            }
            case "diffusers" -> copyTree(modelDir, out);
            default -> throw unknown(format, "a1111 (= single-file), diffusers", "a full DreamBooth");
        }
    }

    private static IllegalArgumentException unknown(String format, String known, String what) {
        return new IllegalArgumentException("format '" + format + "' does not fit " + what + " concept (" + known + ")");
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path p : walk.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
    }
}
