package dev.likeness.methods;

import dev.likeness.concepts.ConceptManifest;
import dev.likeness.concepts.ConceptRef;
import dev.likeness.methods.dreambooth.DreamBoothConcepts;
import dev.likeness.methods.lora.LoraFiles;
import dev.likeness.pipeline.ConceptSwitch;
import dev.likeness.pipeline.SdModel;
import dev.likeness.pipeline.layoutretouch.RetouchSubject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Makes a trained concept usable in prompts of a loaded model. A concept is a Likeness concept folder
 * ({@code concept.json} + payload), a bare Textual Inversion embedding file made by another tool (diffusers or A1111
 * safetensors; its token is {@code <file-name>} unless the file names one), or a bare LoRA file (diffusers/peft or
 * kohya/A1111 keys, recognized by them).
 *
 * <p>LoRA (DreamBooth-LoRA concepts and LoRA files) patches the model for the current request only (see
 * {@link dev.likeness.pipeline.ConceptPatches}). A full DreamBooth concept is a whole fine-tuned model: it applies
 * only to that model ({@code <concept>/model}), which the CLI loads by itself when such a concept is named.
 */
public final class ConceptApplier {
    private ConceptApplier() {}

    /** Finds a concept folder or file by name. */
    @FunctionalInterface
    public interface Resolver {
        Path resolve(String name) throws IOException;
    }

    /** Applies a concept named by a {@link ConceptRef} string ({@code name} or {@code name@beta=0.65,...}). */
    public static ConceptManifest apply(SdModel model, String ref, Resolver resolver) throws IOException {
        ConceptRef r;
        try {
            r = ConceptRef.parse(ref);
        } catch (IllegalArgumentException e) {
            throw new IOException("concept " + ref + ": " + e.getMessage(), e);
        }
        return apply(model, resolver.resolve(r.name()), r.options());
    }

    /** Applies the concept and returns its manifest (for a bare embedding file, a synthesized one). */
    public static ConceptManifest apply(SdModel model, Path concept) throws IOException {
        return apply(model, concept, Map.of());
    }

    /** Applies the concept with per-use options (Perfusion: beta, tau, lock, form). */
    public static ConceptManifest apply(SdModel model, Path concept, Map<String, String> options) throws IOException {
        return apply(MethodRegistry.standard(), model, concept, options);
    }

    /** The same with the methods of {@code registry} (a test registers one of its own). */
    public static ConceptManifest apply(MethodRegistry registry, SdModel model, Path concept,
            Map<String, String> options) throws IOException {
        if (Files.isRegularFile(concept) && concept.getFileName().toString().endsWith(".safetensors")) {
            rejectStrength(options, stem(concept));
            if (LoraFiles.isLora(concept)) {
                LoraConcepts.apply(model, concept, concept.toAbsolutePath().toString());
                return new ConceptManifest(stem(concept), "lora", "", "",
                        model.family().name().toLowerCase(Locale.ROOT), "", dev.likeness.util.Json.MAPPER.createObjectNode());
            }
            return applyEmbeddingFile(model, concept, "<" + stem(concept) + ">");
        }
        ConceptManifest manifest = ConceptManifest.read(concept);
        String family = model.family().name().toLowerCase(Locale.ROOT);
        if (!manifest.modelFamily().equalsIgnoreCase(family)) {
            throw new IOException("concept '" + manifest.name() + "' was trained for " + manifest.modelFamily()
                    + " but the model is " + family);
        }
        ConceptAdapter adapter = adapter(registry, manifest);
        if (!adapter.takesOptions()) {
            rejectStrength(options, manifest.name());
        }
        adapter.apply(model, concept, manifest, options);
        return manifest;
    }

    /** The adapter of the concept's method; a method this version does not know is a clear error. */
    static ConceptAdapter adapter(MethodRegistry registry, ConceptManifest manifest) throws IOException {
        try {
            return registry.find(manifest.method()).concepts();
        } catch (IllegalArgumentException e) {
            throw new IOException("concept '" + manifest.name() + "' uses method '" + manifest.method()
                    + "', which this version cannot apply", e);
        }
    }

    private static void rejectStrength(Map<String, String> options, String name) throws IOException {
        if (!options.isEmpty()) {
            throw new IOException("concept '" + name + "' is not a Perfusion concept; only Perfusion concepts take"
                    + " a strength (beta/tau)");
        }
    }

    /** The fine-tuned model folder of a full DreamBooth concept, empty for every other concept. */
    public static Optional<Path> fineTunedModel(Path concept) throws IOException {
        if (!Files.isDirectory(concept) || !Files.isRegularFile(concept.resolve(ConceptManifest.FILE))) {
            return Optional.empty();
        }
        return DreamBoothConcepts.fineTunedModel(concept, ConceptManifest.read(concept));
    }

    private static ConceptManifest applyEmbeddingFile(SdModel model, Path file, String token) throws IOException {
        String first = EmbeddingConcepts.apply(model, file, token);
        return new ConceptManifest(stem(file), "textual-inversion", first, "",
                model.family().name().toLowerCase(Locale.ROOT), "", dev.likeness.util.Json.MAPPER.createObjectNode());
    }

    private static String stem(Path file) {
        String n = file.getFileName().toString();
        int dot = n.lastIndexOf('.');
        return dot > 0 ? n.substring(0, dot) : n;
    }

    /**
     * The concept of a manifest that {@code ConceptApplier} applied to {@code model}. Textual Inversion and Perfusion
     * act only where a prompt names their token (Perfusion's edit matches the text states of the prompt it was
     * prepared for), so the class prompt of the base-model steps already runs the base model; LoRA-based concepts
     * (DreamBooth-LoRA, PALP, LoRA files) are lifted for those steps through the model's concept patches. A fully
     * fine-tuned DreamBooth model has no base to switch to.
     */
    public static RetouchSubject retouchSubject(ConceptManifest manifest, String classWordOverride, SdModel model) {
        String cls = classWordOverride != null && !classWordOverride.isBlank() ? classWordOverride
                : manifest.classWord();
        ConceptSwitch weights = MethodRegistry.standard().all().stream()
                .filter(m -> m.id().equals(manifest.method())).findFirst()
                .map(m -> m.concepts().baseSteps(model, manifest))
                .orElse(model.conceptPatches()); // a bare LoRA file
        return new RetouchSubject(manifest.token(), cls, weights);
    }
}
