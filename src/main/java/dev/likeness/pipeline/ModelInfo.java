package dev.likeness.pipeline;

import java.util.Map;

/** What `likeness inspect` and the server report about a model. */
public record ModelInfo(String name, String path, String format, String family, String predictionType,
        String scheduler, boolean demo, Map<String, Long> parameterCounts) {
    public ModelInfo {
        parameterCounts = Map.copyOf(parameterCounts);
    }
}
