package dev.likeness.testing;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import dev.likeness.engine.nn.Params;
import dev.likeness.engine.nn.StateDictSource;
import dev.likeness.engine.weights.SafetensorsFile;
import dev.likeness.util.Json;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;

/** Loads one component of a golden diffusers folder directly (independent of the production loader). */
public final class ComponentWeights {
    private ComponentWeights() {}

    public static Map<String, NDArray> load(Path file, NDManager m) throws IOException {
        Map<String, NDArray> out = new LinkedHashMap<>();
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            for (String name : f.tensors().keySet()) {
                out.put(name, f.load(name, m));
            }
        }
        return out;
    }

    public static JsonNode config(String family, String component) throws IOException {
        return Json.readTree(Golden.model(family).resolve(component).resolve("config.json"));
    }

    /** Builds a module from the golden folder, binding strictly. */
    public static <T> T build(String family, String component, String file, NDManager m,
            BiFunction<Params, JsonNode, T> ctor) throws IOException {
        Map<String, NDArray> w = load(Golden.model(family).resolve(component).resolve(file), m);
        StateDictSource src = new StateDictSource(component, w);
        T module = ctor.apply(Params.root(src), config(family, component));
        src.verify(Set.of("text_model.embeddings.position_ids"));
        return module;
    }
}
