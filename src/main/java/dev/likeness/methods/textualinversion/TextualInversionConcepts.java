package dev.likeness.methods.textualinversion;

import ai.djl.ndarray.NDManager;
import dev.likeness.concepts.ConceptManifest;
import dev.likeness.concepts.EmbeddingFiles;
import dev.likeness.methods.ConceptAdapter;
import dev.likeness.methods.ConceptExport;
import dev.likeness.methods.EmbeddingConcepts;
import dev.likeness.pipeline.SdModel;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** A Textual Inversion concept: its token's vectors; exported as an A1111 or a diffusers embedding file. */
public final class TextualInversionConcepts implements ConceptAdapter {
    static final String FILE = "embeddings.safetensors";

    @Override
    public void apply(SdModel model, Path concept, ConceptManifest manifest, Map<String, String> options)
            throws IOException {
        EmbeddingConcepts.apply(model, concept.resolve(FILE), manifest.token());
    }

    @Override
    public void export(Path concept, ConceptManifest manifest, String format, Path out) throws IOException {
        try (NDManager m = NDManager.newBaseManager()) {
            List<EmbeddingFiles.Embedding> e = EmbeddingFiles.read(concept.resolve(FILE), manifest.token(),
                    manifest.details().path("width").asLong(), m);
            switch (format) {
                case "a1111" -> EmbeddingFiles.writeA1111(out, manifest.token(), e.get(0).vectors());
                case "diffusers" -> EmbeddingFiles.writeDiffusers(out, manifest.token(), e.get(0).vectors());
                default -> throw ConceptExport.unknownFormat(format, "a1111, diffusers", "a Textual Inversion");
            }
        }
    }
}
