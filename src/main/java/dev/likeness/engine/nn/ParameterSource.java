package dev.likeness.engine.nn;

import ai.djl.ndarray.NDArray;

/**
 * Where modules get their weights while they are being built. A module asks for each parameter by its full
 * diffusers name and expected shape; the source either returns the bound tensor or (when only the architecture is
 * wanted) records the declaration and returns null.
 */
public interface ParameterSource {
    NDArray get(String name, long... shape);

    /** Optional parameters (e.g. a bias that some checkpoints omit) are requested through this. */
    default NDArray getOptional(String name, long... shape) {
        return get(name, shape);
    }
}
