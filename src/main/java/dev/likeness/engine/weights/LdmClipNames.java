package dev.likeness.engine.weights;

import java.util.List;

/**
 * The SD 1.x text encoder in a single file ({@code cond_stage_model.transformer.*}): a Hugging Face CLIPTextModel
 * already, so names only lose the prefix. Some older files lack the {@code text_model.} level.
 */
final class LdmClipNames implements LdmComponentNames {
    static final String PREFIX = "cond_stage_model.transformer.";
    private static final String TEXT_MODEL = "text_model.";

    @Override
    public String prefix() {
        return PREFIX;
    }

    /** position_ids is a constant buffer (0..76) that transformers no longer stores. */
    @Override
    public boolean ignored(String local) {
        return local.endsWith("embeddings.position_ids");
    }

    @Override
    public List<TensorRoute> routes(String local, long[] shape) {
        String target = local.startsWith(TEXT_MODEL) ? local : TEXT_MODEL + local;
        if (!target.startsWith("text_model.embeddings.") && !target.startsWith("text_model.encoder.layers.")
                && !target.startsWith("text_model.final_layer_norm.")) {
            return List.of();
        }
        return List.of(new TensorRoute(target, PREFIX + local, shape.clone(), new TensorTransform.Copy()));
    }
}
