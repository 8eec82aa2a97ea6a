package dev.likeness.methods;

import ai.djl.ndarray.NDManager;
import dev.likeness.concepts.EmbeddingFiles;
import dev.likeness.pipeline.SdModel;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** Registers the token vectors of an embedding file (ours, diffusers' or A1111's) with a loaded model. */
public final class EmbeddingConcepts {
    private EmbeddingConcepts() {}

    /** Registers every embedding of {@code file} ({@code token} names an unnamed one) and returns the first token. */
    public static String apply(SdModel model, Path file, String token) throws IOException {
        long width = model.textEncoder().tokenEmbedding().getShape().get(1);
        try (NDManager tmp = NDManager.newBaseManager()) {
            List<EmbeddingFiles.Embedding> embeddings = EmbeddingFiles.read(file, token, width, tmp);
            for (EmbeddingFiles.Embedding e : embeddings) {
                model.conceptTokens().put(e.token(), e.vectors());
            }
            return embeddings.get(0).token();
        } catch (IllegalArgumentException e) {
            throw new IOException(file.getFileName() + ": " + e.getMessage(), e);
        }
    }
}
