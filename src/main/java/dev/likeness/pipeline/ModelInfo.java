package dev.likeness.pipeline;

import java.util.List;
import java.util.Map;

/**
 * What `likeness inspect` and the server report about a model. {@code nativeSize} is the width and height in pixels
 * it was trained at (the default size of a generation); {@code predictionRule} says how the prediction type was
 * decided; {@code notes} are what the loader wants the user to know (ignored tensors, a replaced VAE).
 */
public record ModelInfo(String name, String path, String format, String family, String predictionType,
        String scheduler, boolean demo, Map<String, Long> parameterCounts, int nativeSize, String predictionRule,
        List<String> notes) {
    public ModelInfo {
        parameterCounts = Map.copyOf(parameterCounts);
        notes = notes == null ? List.of() : List.copyOf(notes);
    }

    public ModelInfo(String name, String path, String format, String family, String predictionType,
            String scheduler, boolean demo, Map<String, Long> parameterCounts) {
        this(name, path, format, family, predictionType, scheduler, demo, parameterCounts, 512,
                "scheduler config", List.of());
    }
}
