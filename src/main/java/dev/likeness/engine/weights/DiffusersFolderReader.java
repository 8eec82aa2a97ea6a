package dev.likeness.engine.weights;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.fasterxml.jackson.databind.JsonNode;
import dev.likeness.util.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** Reads a diffusers pipeline folder (model_index.json, unet/, vae/, text_encoder/, tokenizer/, scheduler/). */
final class DiffusersFolderReader {
    static final String MODEL_INDEX = "model_index.json";

    private DiffusersFolderReader() {}

    static LoadedCheckpoint read(Path dir, NDManager manager, DataType floatType) throws IOException {
        checkIndex(dir);
        ComponentConfigs configs = ComponentConfigs.readAll(dir);
        ModelFamily family = family(configs);
        String name = dir.getFileName().toString();
        try (SafetensorsFile unetFile = open(dir, "unet", "diffusion_pytorch_model");
                SafetensorsFile vaeFile = open(dir, "vae", "diffusion_pytorch_model");
                SafetensorsFile textFile = open(dir, "text_encoder", "model")) {
            Map<String, TensorRoute> unet = routes(unetFile);
            Map<String, TensorRoute> vae = routes(vaeFile);
            Map<String, TensorRoute> text = routes(textFile);
            // Everything is checked before anything is loaded, so a bad folder fails fast and allocates nothing.
            LayoutCheck.check(where(name, unetFile), "UNet", ComponentConfigs.UNET,
                    UnetLayout.of(configs.unet(), name + "/" + ComponentConfigs.UNET), unet);
            LayoutCheck.check(where(name, vaeFile), "VAE", ComponentConfigs.VAE,
                    VaeLayout.of(configs.vae(), name + "/" + ComponentConfigs.VAE), vae);
            LayoutCheck.check(where(name, textFile), "text encoder", ComponentConfigs.TEXT,
                    ClipTextLayout.of(configs.text(), name + "/" + ComponentConfigs.TEXT), text);
            RouteLoader.checkFloating(where(name, unetFile), unetFile, unet);
            RouteLoader.checkFloating(where(name, vaeFile), vaeFile, vae);
            RouteLoader.checkFloating(where(name, textFile), textFile, text);
            try (NDManager staging = manager.newSubManager()) {
                Map<String, NDArray> unetArrays = RouteLoader.load(unetFile, unet, staging, floatType);
                Map<String, NDArray> vaeArrays = RouteLoader.load(vaeFile, vae, staging, floatType);
                Map<String, NDArray> textArrays = RouteLoader.load(textFile, text, staging, floatType);
                RouteLoader.keep(manager, unetArrays, vaeArrays, textArrays);
                return new LoadedCheckpoint(ModelFormat.DIFFUSERS_FOLDER, family, dir, configs.unet(), configs.vae(),
                        configs.text(), configs.scheduler(), configs.tokenizerDir(), unetArrays, vaeArrays,
                        textArrays);
            }
        }
    }

    static CheckpointSummary describe(Path dir, LoadOptions options) throws IOException {
        checkIndex(dir);
        ComponentConfigs configs = ComponentConfigs.readAll(dir);
        ModelFamily family = family(configs);
        try (SafetensorsFile unetFile = open(dir, "unet", "diffusion_pytorch_model");
                SafetensorsFile vaeFile = open(dir, "vae", "diffusion_pytorch_model");
                SafetensorsFile textFile = open(dir, "text_encoder", "model")) {
            Map<String, Long> counts = new LinkedHashMap<>();
            counts.put("text_encoder", CheckpointLoader.count(routes(textFile)));
            counts.put("unet", CheckpointLoader.count(routes(unetFile)));
            counts.put("vae", CheckpointLoader.count(routes(vaeFile)));
            String prediction = options.predictionType() != null ? options.predictionType()
                    : configs.scheduler().path("prediction_type").asText("epsilon");
            String rule = options.predictionType() != null ? "--prediction-type" : ComponentConfigs.SCHEDULER;
            int levels = configs.vae().path("block_out_channels").size();
            int nativeSize = configs.unet().path("sample_size").asInt() * (1 << Math.max(0, levels - 1));
            long bytes = Files.size(unetFile.path()) + Files.size(vaeFile.path()) + Files.size(textFile.path());
            return new CheckpointSummary(ModelFormat.DIFFUSERS_FOLDER, family, prediction, rule,
                    configs.scheduler().path("_class_name").asText(), nativeSize, counts,
                    CheckpointLoader.storedTypes(unetFile, vaeFile, textFile), bytes, false, java.util.List.of());
        }
    }

    /** The family from the configs alone. */
    static ModelFamily family(Path dir) throws WeightsFormatException {
        checkIndex(dir);
        ComponentConfigs configs = ComponentConfigs.readAvailable(dir);
        if (configs.text() == null || configs.unet() == null) {
            throw new WeightsFormatException(dir.getFileName() + ": missing "
                    + (configs.text() == null ? ComponentConfigs.TEXT : ComponentConfigs.UNET));
        }
        return family(configs);
    }

    /** SD 2.x pairs an OpenCLIP text encoder (gelu) with linear attention projections; SD 1.x uses quick_gelu. */
    private static ModelFamily family(ComponentConfigs configs) {
        String act = configs.text().path("hidden_act").asText();
        if (act.equals("gelu")) {
            return ModelFamily.SD2;
        }
        if (act.equals("quick_gelu")) {
            return ModelFamily.SD1;
        }
        JsonNode unet = configs.unet();
        return unet.path("use_linear_projection").asBoolean(false) || unet.path("cross_attention_dim").asInt() == 1024
                ? ModelFamily.SD2
                : ModelFamily.SD1;
    }

    private static void checkIndex(Path dir) throws WeightsFormatException {
        Path index = dir.resolve(MODEL_INDEX);
        String where = dir.getFileName() + ": ";
        if (!Files.isRegularFile(index)) {
            throw new WeightsFormatException(where + "not a diffusers folder (no " + MODEL_INDEX
                    + "); for a single-file checkpoint, give the .safetensors file itself");
        }
        JsonNode node;
        try {
            node = Json.readTree(index);
        } catch (IOException e) {
            throw new WeightsFormatException(where + MODEL_INDEX + " is not valid JSON", e);
        }
        if (node == null || !node.isObject()) {
            throw new WeightsFormatException(where + MODEL_INDEX + " is not a JSON object");
        }
        if (node.has("text_encoder_2") || node.path("_class_name").asText().contains("XL")) {
            throw new WeightsFormatException(where + "this is an SDXL pipeline; only SD 1.x and 2.x are supported");
        }
    }

    /**
     * Every stored tensor under its own name, less the extras transformers writes but CLIPTextModel does not use
     * (the constant position_ids buffer, the projection head of CLIPTextModelWithProjection).
     */
    private static Map<String, TensorRoute> routes(SafetensorsFile file) {
        Map<String, TensorRoute> routes = new LinkedHashMap<>();
        file.tensors().forEach((name, info) -> {
            if (!name.endsWith("embeddings.position_ids") && !name.equals("text_projection.weight")) {
                routes.put(name, TensorRoute.copy(name, info.shape()));
            }
        });
        return routes;
    }

    private static SafetensorsFile open(Path dir, String component, String base) throws IOException {
        return SafetensorsFile.open(WeightFiles.find(dir.resolve(component), base));
    }

    private static String where(String folder, SafetensorsFile file) {
        return folder + "/" + file.path().getParent().getFileName() + "/" + file.path().getFileName() + ": ";
    }
}
