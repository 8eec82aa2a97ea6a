package dev.likeness.engine.weights;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Loads planned parameters from a safetensors file: each stored tensor once, in file order. Callers load every
 * component into a staging manager and {@link #keep} the results, so a failure part-way frees everything loaded
 * and the source handles of reshaped or sliced tensors never outlive the load.
 */
final class RouteLoader {
    private RouteLoader() {}

    /** Refuses parameters stored as integers or booleans before any data is read. */
    static void checkFloating(String where, SafetensorsFile file, Map<String, TensorRoute> routes)
            throws WeightsFormatException {
        for (TensorRoute r : routes.values()) {
            TensorInfo info = file.info(r.source());
            if (!info.dtype().isFloating()) {
                throw new WeightsFormatException(where + "tensor '" + r.source() + "' is stored as " + info.dtype()
                        + "; model weights must be floating point");
            }
        }
    }

    static Map<String, NDArray> load(SafetensorsFile file, Map<String, TensorRoute> routes, NDManager staging,
            DataType floatType) throws IOException {
        Map<String, List<TensorRoute>> bySource = new LinkedHashMap<>();
        routes.values().stream()
                .sorted(Comparator.comparingLong(r -> offset(file, r.source())))
                .forEach(r -> bySource.computeIfAbsent(r.source(), k -> new ArrayList<>()).add(r));
        Map<String, NDArray> loaded = new LinkedHashMap<>();
        for (Map.Entry<String, List<TensorRoute>> e : bySource.entrySet()) {
            NDArray source = file.load(e.getKey(), staging, floatType);
            for (TensorRoute r : e.getValue()) {
                loaded.put(r.target(), r.transform().apply(source));
            }
        }
        Map<String, NDArray> ordered = new LinkedHashMap<>();
        for (String name : routes.keySet()) {
            ordered.put(name, loaded.get(name));
        }
        return Collections.unmodifiableMap(ordered);
    }

    /**
     * Moves the loaded parameters to their owner. Views (reshapes, slices) keep the storage they share with their
     * source alive on their own, so closing the staging manager afterwards frees only the spare source handles.
     */
    @SafeVarargs
    static void keep(NDManager owner, Map<String, NDArray>... components) {
        for (Map<String, NDArray> component : components) {
            component.values().forEach(a -> a.attach(owner));
        }
    }

    private static long offset(SafetensorsFile file, String name) {
        TensorInfo info = file.tensors().get(name);
        return info == null ? Long.MAX_VALUE : info.begin();
    }
}
