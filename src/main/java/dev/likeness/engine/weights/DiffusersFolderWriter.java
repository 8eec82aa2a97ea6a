package dev.likeness.engine.weights;

import ai.djl.ndarray.NDArray;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.likeness.util.AtomicFiles;
import dev.likeness.util.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Writes a model as a diffusers pipeline folder laid out like the published ones (and like what
 * {@link CheckpointLoader} reads): {@code model_index.json}, {@code unet/}, {@code vae/}, {@code text_encoder/},
 * {@code tokenizer/} and {@code scheduler/}.
 */
public final class DiffusersFolderWriter {
    /** What goes into the folder: diffusers-named weights per component, their configs and the tokenizer files. */
    public record Components(JsonNode unetConfig, JsonNode vaeConfig, JsonNode textConfig, JsonNode schedulerConfig,
            Path tokenizerDir /* null: the built-in CLIP tokenizer */, Map<String, NDArray> unet, Map<String, NDArray> vae, Map<String, NDArray> text) {}

    private DiffusersFolderWriter() {}

    public static void write(Path dir, Components c) throws IOException {
        Files.createDirectories(dir);
        writeConfig(dir.resolve("unet/config.json"), withDefault(c.unetConfig(), "_class_name", "UNet2DConditionModel"));
        SafetensorsWriter.write(dir.resolve("unet/diffusion_pytorch_model.safetensors"), c.unet(), Map.of("format", "pt"));
        writeConfig(dir.resolve("vae/config.json"), withDefault(c.vaeConfig(), "_class_name", "AutoencoderKL"));
        SafetensorsWriter.write(dir.resolve("vae/diffusion_pytorch_model.safetensors"), c.vae(), Map.of("format", "pt"));
        ObjectNode text = c.textConfig().deepCopy();
        if (!text.has("architectures")) {
            text.putArray("architectures").add("CLIPTextModel");
        }
        writeConfig(dir.resolve("text_encoder/config.json"), withDefault(text, "model_type", "clip_text_model"));
        SafetensorsWriter.write(dir.resolve("text_encoder/model.safetensors"), c.text(), Map.of("format", "pt"));
        writeConfig(dir.resolve("scheduler/scheduler_config.json"), c.schedulerConfig().deepCopy());
        if (c.tokenizerDir() != null) {
            copyTokenizer(c.tokenizerDir(), dir.resolve("tokenizer"));
        } else {
            String pad = c.textConfig().path("pad_token_id").asInt() == 0 ? "!" : "<|endoftext|>";
            dev.likeness.engine.tokenizer.BuiltInClipBpe.writeFolder(dir.resolve("tokenizer"), pad);
        }
        writeConfig(dir.resolve(DiffusersFolderReader.MODEL_INDEX),
                modelIndex(c.schedulerConfig().path("_class_name").asText("PNDMScheduler")));
    }

    private static ObjectNode modelIndex(String scheduler) {
        ObjectNode index = Json.MAPPER.createObjectNode().put("_class_name", "StableDiffusionPipeline");
        pair(index, "scheduler", "diffusers", scheduler);
        pair(index, "text_encoder", "transformers", "CLIPTextModel");
        pair(index, "tokenizer", "transformers", "CLIPTokenizer");
        pair(index, "unet", "diffusers", "UNet2DConditionModel");
        pair(index, "vae", "diffusers", "AutoencoderKL");
        for (String absent : new String[] {"safety_checker", "feature_extractor"}) {
            index.putArray(absent).addNull().addNull();
        }
        index.put("requires_safety_checker", false);
        return index;
    }

    private static void pair(ObjectNode index, String key, String library, String cls) {
        ArrayNode a = index.putArray(key);
        a.add(library).add(cls);
    }

    private static ObjectNode withDefault(JsonNode config, String key, String value) {
        ObjectNode out = config.deepCopy();
        if (!out.has(key)) {
            out.put(key, value);
        }
        return out;
    }

    private static void writeConfig(Path file, ObjectNode json) throws IOException {
        AtomicFiles.writeString(file, Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(json));
    }

    private static void copyTokenizer(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        try (Stream<Path> files = Files.list(from)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                Files.copy(f, to.resolve(f.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }
}
