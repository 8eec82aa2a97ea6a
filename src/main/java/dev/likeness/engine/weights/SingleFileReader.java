package dev.likeness.engine.weights;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalInt;

/**
 * Reads an original (LDM) single-file checkpoint. Configs come from a diffusers config folder when one is given
 * (like diffusers' {@code from_single_file(config=...)}), else they are inferred from the tensor shapes; either
 * way the stored shapes must fit them exactly.
 */
final class SingleFileReader {
    private SingleFileReader() {}

    static LoadedCheckpoint read(Path file, Path configDir, NDManager manager, DataType floatType)
            throws IOException {
        ComponentConfigs given = configDir == null ? null : readConfigDir(configDir);
        String where = file.getFileName() + ": ";
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            OptionalInt textLayers = given != null && given.text() != null
                    ? OptionalInt.of(given.text().path("num_hidden_layers").asInt())
                    : OptionalInt.empty();
            CheckpointPlan plan = LdmCheckpointConverter.plan(where, shapes(f), textLayers);
            ModelFamily family = plan.family();

            Config unet = given != null && given.unet() != null
                    ? Config.given(given.unet(), configDir, ComponentConfigs.UNET)
                    : Config.inferred(inferred(where, () -> ConfigInference.unet(plan.unetShapes(), family)), "UNet");
            Config vae = given != null && given.vae() != null
                    ? Config.given(given.vae(), configDir, ComponentConfigs.VAE)
                    : Config.inferred(inferred(where, () -> ConfigInference.vae(plan.vaeShapes(), family)), "VAE");
            Config text = given != null && given.text() != null
                    ? Config.given(given.text(), configDir, ComponentConfigs.TEXT)
                    : Config.inferred(inferred(where, () -> ConfigInference.text(plan.textShapes(), family)),
                            "text encoder");
            ObjectNode scheduler = given != null && given.scheduler() != null
                    ? given.scheduler()
                    : ConfigInference.scheduler(family);
            Path tokenizer = given == null ? null : given.tokenizerDir();

            LayoutCheck.check(where, "UNet", unet.name, UnetLayout.of(unet.json, unet.name), plan.unet());
            LayoutCheck.check(where, "VAE", vae.name, VaeLayout.of(vae.json, vae.name), plan.vae());
            LayoutCheck.check(where, "text encoder", text.name, ClipTextLayout.of(text.json, text.name), plan.text());

            RouteLoader.checkFloating(where, f, plan.unet());
            RouteLoader.checkFloating(where, f, plan.vae());
            RouteLoader.checkFloating(where, f, plan.text());
            try (NDManager staging = manager.newSubManager()) {
                Map<String, NDArray> unetArrays = RouteLoader.load(f, plan.unet(), staging, floatType);
                Map<String, NDArray> vaeArrays = RouteLoader.load(f, plan.vae(), staging, floatType);
                Map<String, NDArray> textArrays = RouteLoader.load(f, plan.text(), staging, floatType);
                RouteLoader.keep(manager, unetArrays, vaeArrays, textArrays);
                return new LoadedCheckpoint(ModelFormat.SINGLE_FILE, family, file, unet.json, vae.json, text.json,
                        scheduler, tokenizer, unetArrays, vaeArrays, textArrays);
            }
        }
    }

    /** The family from the tensor names (headers only). */
    static ModelFamily family(Path file) throws IOException {
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            return LdmCheckpointConverter.detectFamily(file.getFileName() + ": ", shapes(f));
        }
    }

    static Map<String, long[]> shapes(SafetensorsFile f) {
        Map<String, long[]> shapes = new LinkedHashMap<>();
        f.tensors().forEach((name, info) -> shapes.put(name, info.shape()));
        return shapes;
    }

    private static ComponentConfigs readConfigDir(Path dir) throws WeightsFormatException {
        if (!Files.isDirectory(dir)) {
            throw new WeightsFormatException("config folder not found: " + dir);
        }
        ComponentConfigs configs = ComponentConfigs.readAvailable(dir);
        if (configs.isEmpty()) {
            throw new WeightsFormatException(dir.getFileName() + ": not a diffusers config folder (none of "
                    + ComponentConfigs.UNET + ", " + ComponentConfigs.VAE + ", " + ComponentConfigs.TEXT + ", "
                    + ComponentConfigs.SCHEDULER + ", tokenizer/)");
        }
        return configs;
    }

    private interface Inference {
        ObjectNode run() throws WeightsFormatException;
    }

    private static ObjectNode inferred(String where, Inference inference) throws WeightsFormatException {
        try {
            return inference.run();
        } catch (WeightsFormatException e) {
            throw new WeightsFormatException(where + e.getMessage(), e);
        }
    }

    /** A config and how to name it in messages. */
    private record Config(ObjectNode json, String name) {
        static Config given(ObjectNode json, Path dir, String relative) {
            return new Config(json, dir.getFileName() + "/" + relative);
        }

        static Config inferred(ObjectNode json, String component) {
            return new Config(json, "the " + component + " config inferred from this file");
        }
    }
}
