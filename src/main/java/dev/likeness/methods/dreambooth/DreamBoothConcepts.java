package dev.likeness.methods.dreambooth;

import ai.djl.ndarray.NDManager;
import dev.likeness.concepts.ConceptManifest;
import dev.likeness.methods.ConceptAdapter;
import dev.likeness.methods.ConceptExport;
import dev.likeness.methods.LoraConcepts;
import dev.likeness.methods.lora.LoraFiles;
import dev.likeness.methods.lora.LoraWeights;
import dev.likeness.pipeline.ConceptSwitch;
import dev.likeness.pipeline.ModelExport;
import dev.likeness.pipeline.SdModel;
import dev.likeness.pipeline.SdModelLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A DreamBooth concept. DreamBooth-LoRA patches the model for the current request and exports as a kohya (= A1111)
 * or diffusers (peft) LoRA file. A full DreamBooth concept is a whole fine-tuned model: it applies only to that model
 * ({@code <concept>/model}, which the CLI loads by itself when such a concept is named), exports as a single-file
 * checkpoint or a copy of the folder, and has no base model for Layout-and-Retouch's layout steps.
 */
public final class DreamBoothConcepts implements ConceptAdapter {
    @Override
    public void apply(SdModel model, Path concept, ConceptManifest manifest, Map<String, String> options)
            throws IOException {
        Optional<Path> own = fineTunedModel(concept, manifest);
        if (own.isPresent()) {
            if (!Files.isDirectory(own.get()) || !Files.isSameFile(own.get(), Path.of(model.info().path()))) {
                throw new IOException("concept '" + manifest.name() + "' is a fully fine-tuned model, not a patch: "
                        + "generate with --model " + own.get()
                        + " (the CLI switches to it by itself when --concept names it)");
            }
        } else {
            LoraConcepts.apply(model, loraFile(concept, manifest), manifest.name());
        }
        model.conceptTokens().alias(manifest.token(), manifest.details().path("prompt").asText());
    }

    @Override
    public void export(Path concept, ConceptManifest manifest, String format, Path out) throws IOException {
        Optional<Path> own = fineTunedModel(concept, manifest);
        if (own.isPresent()) {
            switch (format) {
                case "a1111", "single-file" -> {
                    try (SdModel model = SdModelLoader.load(own.get(), null)) {
                        ModelExport.singleFile(model, out);
                    }
                }
                case "diffusers" -> copyTree(own.get(), out);
                default -> throw ConceptExport.unknownFormat(format, "a1111 (= single-file), diffusers",
                        "a full DreamBooth");
            }
            return;
        }
        try (NDManager m = NDManager.newBaseManager()) {
            LoraWeights w = LoraFiles.read(loraFile(concept, manifest), null, m);
            switch (format) {
                case "kohya", "a1111" -> LoraFiles.writeKohya(out, w, manifest.modelFamily().equals("sd2"));
                case "diffusers" -> LoraFiles.writeDiffusers(out, w);
                default -> throw ConceptExport.unknownFormat(format, "kohya (= a1111), diffusers",
                        "a DreamBooth LoRA");
            }
        }
    }

    @Override
    public ConceptSwitch baseSteps(SdModel model, ConceptManifest manifest) {
        if (isFullModel(manifest)) {
            return ConceptSwitch.alwaysOn("concept '" + manifest.name() + "' is a fully fine-tuned DreamBooth model: "
                    + "it has no base model to draw layouts with; use --layout-steps 0, retouch in place, or "
                    + "train it as DreamBooth-LoRA");
        }
        return model.conceptPatches();
    }

    /** The fine-tuned model folder of a full DreamBooth concept; empty for a DreamBooth-LoRA one. */
    public static Optional<Path> fineTunedModel(Path concept, ConceptManifest manifest) {
        return isFullModel(manifest) ? Optional.of(concept.resolve(manifest.details().path("model").asText("model")))
                : Optional.empty();
    }

    private static boolean isFullModel(ConceptManifest manifest) {
        return manifest.method().equals(DreamBooth.METHOD)
                && manifest.details().path("variant").asText().equals("full");
    }

    private static Path loraFile(Path concept, ConceptManifest manifest) {
        return concept.resolve(manifest.details().path("file").asText("lora.safetensors"));
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
