package dev.likeness.engine.weights;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads the Stable Diffusion weights people have — a diffusers folder or an original single .safetensors file —
 * into per-component state dicts with diffusers names and diffusers-style configs. Pickled weights (.bin, .ckpt,
 * .pt) are refused: loading them can run code.
 */
public final class CheckpointLoader {
    private CheckpointLoader() {}

    /**
     * @param path      a diffusers folder (with model_index.json) or a single-file .safetensors checkpoint
     * @param configDir for a single file: an optional diffusers folder whose config.json files, tokenizer and
     *                  scheduler config are used instead of inferred ones (its weights, if any, are not read);
     *                  ignored for a folder
     * @param floatType FLOAT32 or FLOAT16 (FLOAT64 is allowed); stored tensors are converted to it
     * @throws WeightsFormatException with a one-line, user-facing message when the input cannot be used
     */
    public static LoadedCheckpoint load(Path path, Path configDir, NDManager manager, DataType floatType)
            throws IOException {
        return loadWith(path, LoadOptions.withConfig(configDir), manager, floatType);
    }

    /**
     * Loads with the given options (config folder, prediction type, EMA weights, another VAE).
     *
     * @throws WeightsFormatException with a one-line, user-facing message when the input cannot be used
     */
    public static LoadedCheckpoint loadWith(Path path, LoadOptions options, NDManager manager, DataType floatType)
            throws IOException {
        if (floatType != DataType.FLOAT32 && floatType != DataType.FLOAT16 && floatType != DataType.FLOAT64) {
            throw new IllegalArgumentException("weights load as FLOAT32, FLOAT16 or FLOAT64, not " + floatType);
        }
        checkExists(path);
        LoadedCheckpoint ck;
        if (Files.isDirectory(path)) {
            if (options.ema()) {
                throw new WeightsFormatException(path.getFileName() + ": --ema applies to single-file checkpoints;"
                        + " a diffusers folder holds one set of UNet weights");
            }
            ck = DiffusersFolderReader.read(path, manager, floatType);
            if (options.predictionType() != null) {
                ck = withPredictionType(ck, options.predictionType());
            }
        } else {
            refusePickle(path);
            ck = SingleFileReader.read(path, options, manager, floatType);
        }
        return options.vae() == null ? ck : withVae(ck, options.vae(), manager, floatType);
    }

    /** Written by `likeness pull` beside a file it installed and verified; read for the SD 2.x prediction type. */
    public static final String PULL_RECORD_SUFFIX = PredictionTypeRules.PULL_SIDECAR_SUFFIX;

    private static LoadedCheckpoint withPredictionType(LoadedCheckpoint ck, String type) {
        com.fasterxml.jackson.databind.node.ObjectNode s =
                ((com.fasterxml.jackson.databind.node.ObjectNode) ck.schedulerConfig()).deepCopy();
        s.put("prediction_type", type);
        return new LoadedCheckpoint(ck.format(), ck.family(), ck.path(), ck.unetConfig(), ck.vaeConfig(),
                ck.textConfig(), s, ck.tokenizerDir(), ck.unet(), ck.vae(), ck.textEncoder(),
                new PredictionDecision(type, "--prediction-type"), ck.notes());
    }

    private static LoadedCheckpoint withVae(LoadedCheckpoint ck, Path vae, NDManager manager, DataType floatType)
            throws IOException {
        try (NDManager staging = manager.newSubManager()) {
            VaeOverride.Loaded loaded = VaeOverride.load(vae, ck.family(), staging, floatType);
            RouteLoader.keep(manager, loaded.arrays());
            ck.vae().values().forEach(ai.djl.ndarray.NDArray::close);
            return ck.withVae(loaded.config(), loaded.arrays(), "VAE from " + vae.getFileName());
        }
    }

    /** What the checkpoint is, from headers and configs only (no weights are read, no tokenizer is needed). */
    public static CheckpointSummary describe(Path path, LoadOptions options) throws IOException {
        checkExists(path);
        if (Files.isDirectory(path)) {
            return DiffusersFolderReader.describe(path, options);
        }
        refusePickle(path);
        try (SafetensorsFile f = SafetensorsFile.open(path)) {
            SingleFileReader.Prepared p = SingleFileReader.prepare(f, options);
            java.util.Map<String, Long> counts = new java.util.LinkedHashMap<>();
            counts.put("text_encoder", count(p.plan().text()));
            counts.put("unet", count(p.plan().unet()));
            counts.put("vae", count(p.plan().vae()));
            java.util.List<String> notes = new java.util.ArrayList<>(p.notes());
            if (options.vae() != null) {
                notes.add("VAE from " + options.vae().getFileName() + " (replaces the file's own when loaded)");
            }
            return new CheckpointSummary(ModelFormat.SINGLE_FILE, p.family(), p.prediction().predictionType(),
                    p.prediction().rule(), p.scheduler().path("_class_name").asText(),
                    p.unet().path("sample_size").asInt() * ConfigInference.vaeScale(p.plan().vaeShapes()), counts,
                    storedTypes(f), Files.size(path), p.tokenizerDir() == null, notes);
        }
    }

    static long count(java.util.Map<String, TensorRoute> routes) {
        long n = 0;
        for (TensorRoute r : routes.values()) {
            long k = 1;
            for (long d : r.shape()) {
                k *= d;
            }
            n += k;
        }
        return n;
    }

    static java.util.List<String> storedTypes(SafetensorsFile... files) {
        java.util.TreeSet<String> types = new java.util.TreeSet<>();
        for (SafetensorsFile f : files) {
            f.tensors().values().forEach(t -> types.add(t.dtype().name()));
        }
        return java.util.List.copyOf(types);
    }

    /** The model family, from configs or tensor headers only (no weights are read). */
    public static ModelFamily detectFamily(Path path) throws IOException {
        checkExists(path);
        if (Files.isDirectory(path)) {
            return DiffusersFolderReader.family(path);
        }
        refusePickle(path);
        return SingleFileReader.family(path);
    }

    private static void checkExists(Path path) throws WeightsFormatException {
        if (!Files.exists(path)) {
            throw new WeightsFormatException("no such file or folder: " + path);
        }
    }

    private static void refusePickle(Path path) throws WeightsFormatException {
        if (WeightFiles.isPickle(path)) {
            WeightFiles.refusePickle(path.getFileName().toString());
        }
    }
}
