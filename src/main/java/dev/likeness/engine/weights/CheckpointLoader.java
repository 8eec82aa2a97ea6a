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
        if (floatType != DataType.FLOAT32 && floatType != DataType.FLOAT16 && floatType != DataType.FLOAT64) {
            throw new IllegalArgumentException("weights load as FLOAT32, FLOAT16 or FLOAT64, not " + floatType);
        }
        checkExists(path);
        if (Files.isDirectory(path)) {
            return DiffusersFolderReader.read(path, manager, floatType);
        }
        refusePickle(path);
        return SingleFileReader.read(path, configDir, manager, floatType);
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
