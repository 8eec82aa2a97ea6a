package dev.likeness.pipeline;

import ai.djl.ndarray.NDArray;
import java.util.Map;

/** A model's weights by diffusers parameter name, per component. */
public record ModelParameters(Map<String, NDArray> textEncoder, Map<String, NDArray> unet, Map<String, NDArray> vae) {}
