package dev.likeness.engine.weights;

import java.util.List;
import java.util.Map;

/**
 * What a checkpoint is, from its headers and configs alone (no weights read): what `likeness inspect` prints
 * without {@code --load}. {@code parameters} counts per component (text_encoder, unet, vae); {@code storedTypes}
 * the tensor types in the file(s), e.g. ["F16"].
 */
public record CheckpointSummary(ModelFormat format, ModelFamily family, String predictionType, String predictionRule,
        String scheduler, int nativeSize, Map<String, Long> parameters, List<String> storedTypes, long bytes,
        boolean builtInTokenizer, List<String> notes) {
    public CheckpointSummary {
        parameters = Map.copyOf(parameters);
        storedTypes = List.copyOf(storedTypes);
        notes = List.copyOf(notes);
    }
}
