package dev.likeness.engine.weights;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a checkpoint will be read as, before any data is touched: for each component, diffusers parameter name →
 * route (in stored order).
 */
record CheckpointPlan(ModelFamily family, Map<String, TensorRoute> unet, Map<String, TensorRoute> vae,
        Map<String, TensorRoute> text) {
    CheckpointPlan {
        unet = Collections.unmodifiableMap(new LinkedHashMap<>(unet));
        vae = Collections.unmodifiableMap(new LinkedHashMap<>(vae));
        text = Collections.unmodifiableMap(new LinkedHashMap<>(text));
    }

    static Map<String, long[]> shapes(Map<String, TensorRoute> routes) {
        Map<String, long[]> out = new LinkedHashMap<>();
        routes.forEach((name, route) -> out.put(name, route.shape()));
        return out;
    }

    Map<String, long[]> unetShapes() {
        return shapes(unet);
    }

    Map<String, long[]> vaeShapes() {
        return shapes(vae);
    }

    Map<String, long[]> textShapes() {
        return shapes(text);
    }
}
