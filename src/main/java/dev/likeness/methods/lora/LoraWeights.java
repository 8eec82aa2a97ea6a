package dev.likeness.methods.lora;

import ai.djl.ndarray.NDArray;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A set of LoRA deltas by component-qualified module path ({@code unet.<path>}, {@code text_encoder.<path>}).
 *
 * @param rank how many LoRA vectors the pair holds; {@code alpha} / rank scales the delta
 */
public record LoraWeights(Map<String, Module> modules) {
    /** One projection's pair: down = A (rank × in), up = B (out × rank). */
    public record Module(NDArray down, NDArray up, float alpha) {
        public int rank() {
            return (int) down.getShape().get(0);
        }
    }

    public LoraWeights {
        modules = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(modules));
    }

    /** The rank every module shares, or -1 when they differ. */
    public int rank() {
        return modules.values().stream().mapToInt(Module::rank).reduce((a, b) -> a == b ? a : -1).orElse(-1);
    }
}
