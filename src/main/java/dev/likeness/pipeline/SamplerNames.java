package dev.likeness.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;

/** Maps diffusers scheduler classes to our sampler names. */
public final class SamplerNames {
    private static final Map<String, String> BY_CLASS = Map.of(
            "DDIMScheduler", "ddim",
            "PNDMScheduler", "pndm",
            "EulerDiscreteScheduler", "euler",
            "EulerAncestralDiscreteScheduler", "euler_a",
            "DPMSolverMultistepScheduler", "dpmpp_2m",
            "DDPMScheduler", "ddpm");

    private SamplerNames() {}

    /** The requested sampler, or the model's own when none is requested (DDIM if the class is unknown). */
    public static String resolve(String requested, JsonNode schedulerConfig) {
        if (requested != null && !requested.isBlank()) {
            return requested;
        }
        return BY_CLASS.getOrDefault(schedulerConfig.path("_class_name").asText(), "ddim");
    }
}
