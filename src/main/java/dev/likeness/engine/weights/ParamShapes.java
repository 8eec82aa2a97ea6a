package dev.likeness.engine.weights;

import java.util.LinkedHashMap;
import java.util.Map;

/** Builds a name → shape table for a layout, one layer at a time. */
final class ParamShapes {
    private final Map<String, long[]> shapes = new LinkedHashMap<>();

    void put(String name, long... shape) {
        shapes.put(name, shape);
    }

    /** A LayerNorm or GroupNorm. */
    void norm(String prefix, long channels) {
        put(prefix + ".weight", channels);
        put(prefix + ".bias", channels);
    }

    void linear(String prefix, long out, long in, boolean bias) {
        put(prefix + ".weight", out, in);
        if (bias) {
            put(prefix + ".bias", out);
        }
    }

    void conv(String prefix, long out, long in, long kernel) {
        put(prefix + ".weight", out, in, kernel, kernel);
        put(prefix + ".bias", out);
    }

    Map<String, long[]> build() {
        return shapes;
    }
}
