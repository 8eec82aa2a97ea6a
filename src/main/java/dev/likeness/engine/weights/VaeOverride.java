package dev.likeness.engine.weights;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.likeness.util.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A VAE given with {@code --vae} instead of the model's own (e.g. the common ft-MSE VAE): a diffusers VAE folder
 * ({@code config.json} + weights), a diffusers model folder (its {@code vae/}), or one .safetensors file with
 * diffusers names ({@code encoder.down_blocks.*}) or original LDM names ({@code encoder.down.*}, with or without
 * {@code first_stage_model.}). Its configuration is read from the folder or inferred from the shapes, and it is
 * bound as strictly as the rest.
 */
final class VaeOverride {
    record Loaded(ObjectNode config, Map<String, NDArray> arrays) {}

    private VaeOverride() {}

    static Loaded load(Path path, ModelFamily family, NDManager staging, DataType floatType) throws IOException {
        if (!Files.exists(path)) {
            throw new WeightsFormatException("--vae: no such file or folder: " + path);
        }
        if (Files.isDirectory(path)) {
            Path dir = Files.isRegularFile(path.resolve("vae/config.json")) ? path.resolve("vae") : path;
            return fromFolder(dir, staging, floatType);
        }
        if (WeightFiles.isPickle(path)) {
            WeightFiles.refusePickle(path.getFileName().toString());
        }
        try (SafetensorsFile f = SafetensorsFile.open(path)) {
            String where = path.getFileName() + ": ";
            Map<String, TensorRoute> routes = routesOf(where, f);
            ObjectNode config = ConfigInference.vae(CheckpointPlan.shapes(routes), family);
            return bind(where, f, config, "the VAE config inferred from this file", routes, staging, floatType);
        }
    }

    private static Loaded fromFolder(Path dir, NDManager staging, DataType floatType) throws IOException {
        Path configFile = dir.resolve("config.json");
        if (!Files.isRegularFile(configFile)) {
            throw new WeightsFormatException("--vae " + dir.getFileName() + ": not a VAE folder (no config.json)");
        }
        JsonNode json = Json.readTree(configFile);
        if (json == null || !json.isObject()) {
            throw new WeightsFormatException("--vae " + dir.getFileName() + "/config.json: not a JSON object");
        }
        ObjectNode config = DiffusersDefaults.complete(json, DiffusersDefaults.vae());
        try (SafetensorsFile f = SafetensorsFile.open(WeightFiles.find(dir, "diffusion_pytorch_model"))) {
            Map<String, TensorRoute> routes = new LinkedHashMap<>();
            f.tensors().forEach((name, info) -> routes.put(name, TensorRoute.copy(name, info.shape())));
            return bind(dir.getFileName() + ": ", f, config, dir.getFileName() + "/config.json", routes, staging,
                    floatType);
        }
    }

    private static Map<String, TensorRoute> routesOf(String where, SafetensorsFile f) throws WeightsFormatException {
        boolean ldm = f.tensors().keySet().stream()
                .anyMatch(n -> n.startsWith("encoder.down.") || n.startsWith(LdmVaeNames.PREFIX));
        Map<String, TensorRoute> routes = new LinkedHashMap<>();
        if (!ldm) {
            f.tensors().forEach((name, info) -> routes.put(name, TensorRoute.copy(name, info.shape())));
            return routes;
        }
        Map<String, long[]> local = new LinkedHashMap<>();
        Map<String, String> stored = new LinkedHashMap<>();
        f.tensors().forEach((name, info) -> {
            String l = name.startsWith(LdmVaeNames.PREFIX) ? name.substring(LdmVaeNames.PREFIX.length()) : name;
            if (!l.startsWith("model_ema.")) {
                local.put(l, info.shape());
                stored.put(l, name);
            }
        });
        LdmVaeNames names = new LdmVaeNames(LdmVaeNames.decoderLevels(local.keySet()));
        for (Map.Entry<String, long[]> e : local.entrySet()) {
            if (names.ignored(e.getKey())) {
                continue;
            }
            var mapped = names.routes(e.getKey(), e.getValue());
            if (mapped.isEmpty()) {
                throw new WeightsFormatException(where + "unexpected tensor '" + stored.get(e.getKey())
                        + "' (not part of an SD VAE)");
            }
            for (TensorRoute r : mapped) {
                routes.put(r.target(), new TensorRoute(r.target(), stored.get(e.getKey()), r.shape(), r.transform()));
            }
        }
        return routes;
    }

    private static Loaded bind(String where, SafetensorsFile f, ObjectNode config, String configName,
            Map<String, TensorRoute> routes, NDManager staging, DataType floatType) throws IOException {
        LayoutCheck.check("--vae " + where, "VAE", configName, VaeLayout.of(config, configName), routes);
        RouteLoader.checkFloating("--vae " + where, f, routes);
        return new Loaded(config, RouteLoader.load(f, routes, staging, floatType));
    }
}
