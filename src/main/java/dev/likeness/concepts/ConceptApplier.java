package dev.likeness.concepts;

import ai.djl.ndarray.NDManager;
import dev.likeness.pipeline.SdModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Makes a trained concept usable in prompts of a loaded model. A concept is a Likeness concept folder
 * ({@code concept.json} + payload) or, for Textual Inversion, a bare embedding file made by another tool
 * (diffusers or A1111 safetensors; its token is {@code <file-name>} unless the file names one).
 */
public final class ConceptApplier {
    private ConceptApplier() {}

    /** Applies the concept and returns its manifest (for a bare embedding file, a synthesized one). */
    public static ConceptManifest apply(SdModel model, Path concept) throws IOException {
        if (Files.isRegularFile(concept) && concept.getFileName().toString().endsWith(".safetensors")) {
            return applyEmbeddingFile(model, concept, "<" + stem(concept) + ">");
        }
        ConceptManifest manifest = ConceptManifest.read(concept);
        String family = model.family().name().toLowerCase(Locale.ROOT);
        if (!manifest.modelFamily().equalsIgnoreCase(family)) {
            throw new IOException("concept '" + manifest.name() + "' was trained for " + manifest.modelFamily()
                    + " but the model is " + family);
        }
        switch (manifest.method()) {
            case "textual-inversion" -> applyEmbeddingFile(model, concept.resolve("embeddings.safetensors"),
                    manifest.token());
            default -> throw new IOException("concept '" + manifest.name() + "' uses method '" + manifest.method()
                    + "', which this version cannot apply");
        }
        return manifest;
    }

    private static ConceptManifest applyEmbeddingFile(SdModel model, Path file, String token) throws IOException {
        long width = model.textEncoder().tokenEmbedding().getShape().get(1);
        try (NDManager tmp = NDManager.newBaseManager()) {
            var embeddings = EmbeddingFiles.read(file, token, width, tmp);
            for (EmbeddingFiles.Embedding e : embeddings) {
                model.conceptTokens().put(e.token(), e.vectors());
            }
            String first = embeddings.get(0).token();
            return new ConceptManifest(stem(file), "textual-inversion", first, "",
                    model.family().name().toLowerCase(Locale.ROOT), "", dev.likeness.util.Json.MAPPER.createObjectNode());
        } catch (IllegalArgumentException e) {
            throw new IOException(file.getFileName() + ": " + e.getMessage(), e);
        }
    }

    private static String stem(Path file) {
        String n = file.getFileName().toString();
        int dot = n.lastIndexOf('.');
        return dot > 0 ? n.substring(0, dot) : n;
    }
}
