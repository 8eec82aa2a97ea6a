package dev.likeness.engine.weights;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/**
 * Reads an original (LDM) single-file checkpoint. Configs come from a diffusers config folder when one is given
 * (like diffusers' {@code from_single_file(config=...)}), else from the tensor shapes and the family preset (what
 * shapes cannot tell: head counts, scheduler, prediction type, native size; the tokenizer is the built-in CLIP BPE);
 * either way the stored shapes must fit them exactly.
 */
final class SingleFileReader {
    private SingleFileReader() {}

    /** Everything decided about a file before its data is read. */
    record Prepared(ModelFamily family, CheckpointPlan plan, ObjectNode unet, ObjectNode vae, ObjectNode text,
            ObjectNode scheduler, Path tokenizerDir, PredictionDecision prediction, List<String> notes) {}

    static LoadedCheckpoint read(Path file, LoadOptions options, NDManager manager, DataType floatType)
            throws IOException {
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            Prepared p = prepare(f, options);
            String where = file.getFileName() + ": ";
            CheckpointPlan plan = p.plan();
            RouteLoader.checkFloating(where, f, plan.unet());
            RouteLoader.checkFloating(where, f, plan.vae());
            RouteLoader.checkFloating(where, f, plan.text());
            try (NDManager staging = manager.newSubManager()) {
                Map<String, NDArray> unetArrays = RouteLoader.load(f, plan.unet(), staging, floatType);
                Map<String, NDArray> vaeArrays = RouteLoader.load(f, plan.vae(), staging, floatType);
                Map<String, NDArray> textArrays = RouteLoader.load(f, plan.text(), staging, floatType);
                RouteLoader.keep(manager, unetArrays, vaeArrays, textArrays);
                return new LoadedCheckpoint(ModelFormat.SINGLE_FILE, p.family(), file, p.unet(), p.vae(), p.text(),
                        p.scheduler(), p.tokenizerDir(), unetArrays, vaeArrays, textArrays, p.prediction(),
                        p.notes());
            }
        }
    }

    /** Plans the file and decides its configs from the headers (and at most one small tensor) alone. */
    static Prepared prepare(SafetensorsFile f, LoadOptions options) throws IOException {
        Path configDir = options.configDir();
        ComponentConfigs given = configDir == null ? null : readConfigDir(configDir);
        String where = f.path().getFileName() + ": ";
        Map<String, long[]> shapes = shapes(f);
        UnsupportedCheckpoints.refuse(where, shapes);
        OptionalInt textLayers = given != null && given.text() != null
                ? OptionalInt.of(given.text().path("num_hidden_layers").asInt())
                : OptionalInt.empty();
        CheckpointPlan plan = LdmCheckpointConverter.plan(where, shapes, textLayers);
        ModelFamily family = plan.family();
        if (options.ema()) {
            plan = EmaWeights.use(where, plan, shapes);
        }
        List<String> notes = ExtraTensors.warnings(shapes, options.ema());

        PredictionDecision prediction;
        ObjectNode scheduler;
        if (given != null && given.scheduler() != null) {
            scheduler = given.scheduler().deepCopy();
            if (options.predictionType() != null) {
                scheduler.put("prediction_type", options.predictionType());
            }
            prediction = new PredictionDecision(scheduler.path("prediction_type").asText("epsilon"),
                    options.predictionType() != null ? "--prediction-type"
                            : configDir.getFileName() + "/" + ComponentConfigs.SCHEDULER + " (--config)");
        } else {
            prediction = PredictionTypeRules.decide(f, family, options.predictionType());
            scheduler = FamilyPreset.of(family, prediction.predictionType()).scheduler();
        }
        FamilyPreset preset = FamilyPreset.of(family, prediction.predictionType());
        CheckpointPlan planned = plan;
        Config unet = given != null && given.unet() != null
                ? Config.given(given.unet(), configDir, ComponentConfigs.UNET)
                : Config.inferred(inferred(where, () -> ConfigInference.unet(planned.unetShapes(), preset,
                        ConfigInference.vaeScale(planned.vaeShapes()))), "UNet");
        Config vae = given != null && given.vae() != null
                ? Config.given(given.vae(), configDir, ComponentConfigs.VAE)
                : Config.inferred(inferred(where, () -> ConfigInference.vae(planned.vaeShapes(), family)), "VAE");
        Config text = given != null && given.text() != null
                ? Config.given(given.text(), configDir, ComponentConfigs.TEXT)
                : Config.inferred(inferred(where, () -> ConfigInference.text(planned.textShapes(), family)),
                        "text encoder");
        Path tokenizer = given == null ? null : given.tokenizerDir();

        LayoutCheck.check(where, "UNet", unet.name, UnetLayout.of(unet.json, unet.name), plan.unet());
        LayoutCheck.check(where, "VAE", vae.name, VaeLayout.of(vae.json, vae.name), plan.vae());
        LayoutCheck.check(where, "text encoder", text.name, ClipTextLayout.of(text.json, text.name), plan.text());
        return new Prepared(family, plan, unet.json, vae.json, text.json, scheduler, tokenizer, prediction, notes);
    }

    /** The family from the tensor names (headers only). */
    static ModelFamily family(Path file) throws IOException {
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            Map<String, long[]> shapes = shapes(f);
            UnsupportedCheckpoints.refuse(file.getFileName() + ": ", shapes);
            return LdmCheckpointConverter.detectFamily(file.getFileName() + ": ", shapes);
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
