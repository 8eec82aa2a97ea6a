package dev.likeness.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import dev.likeness.engine.sched.Schedulers;

/** Resolves which sampler a request uses. */
public final class SamplerNames {
    private SamplerNames() {}

    /** The requested sampler, or the model's own when none is requested (DDIM if its class is unknown). */
    public static String resolve(String requested, JsonNode schedulerConfig) {
        if (requested != null && !requested.isBlank()) {
            return requested;
        }
        return Schedulers.nameForClass(schedulerConfig.path("_class_name").asText()).orElse("ddim");
    }
}
