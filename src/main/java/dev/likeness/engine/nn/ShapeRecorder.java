package dev.likeness.engine.nn;

import ai.djl.ndarray.NDArray;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** Builds a module tree without weights and records every parameter it declares (name → shape). */
public final class ShapeRecorder implements ParameterSource {
    private final Map<String, long[]> shapes = new LinkedHashMap<>();

    @Override
    public NDArray get(String name, long... shape) {
        shapes.put(name, shape.clone());
        return null;
    }

    public Map<String, long[]> shapes() {
        return Collections.unmodifiableMap(shapes);
    }

    public long parameterCount() {
        long n = 0;
        for (long[] s : shapes.values()) {
            long k = 1;
            for (long d : s) {
                k *= d;
            }
            n += k;
        }
        return n;
    }
}
