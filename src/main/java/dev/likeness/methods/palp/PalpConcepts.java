package dev.likeness.methods.palp;

import dev.likeness.concepts.ConceptManifest;
import dev.likeness.methods.ConceptAdapter;
import dev.likeness.methods.EmbeddingConcepts;
import dev.likeness.methods.LoraConcepts;
import dev.likeness.pipeline.SdModel;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/** A PALP concept: its token's vectors and its LoRA, both applied; the LoRA is lifted for base-model steps. */
public final class PalpConcepts implements ConceptAdapter {
    @Override
    public void apply(SdModel model, Path concept, ConceptManifest manifest, Map<String, String> options)
            throws IOException {
        EmbeddingConcepts.apply(model, concept.resolve("embeddings.safetensors"), manifest.token());
        LoraConcepts.apply(model, concept.resolve("lora.safetensors"), manifest.name());
    }
}
