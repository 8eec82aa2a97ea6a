package dev.likeness.engine.weights;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.likeness.util.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The configs and tokenizer of a diffusers folder. Model configs are completed with the library defaults; any
 * entry may be null when read leniently (a config folder given for a single file may hold only some of them).
 */
record ComponentConfigs(ObjectNode unet, ObjectNode vae, ObjectNode text, ObjectNode scheduler, Path tokenizerDir) {
    static final String UNET = "unet/config.json";
    static final String VAE = "vae/config.json";
    static final String TEXT = "text_encoder/config.json";
    static final String SCHEDULER = "scheduler/scheduler_config.json";

    /** Reads every part; a missing one is an error. */
    static ComponentConfigs readAll(Path dir) throws WeightsFormatException {
        ComponentConfigs c = readAvailable(dir);
        String where = dir.getFileName() + ": ";
        require(where, c.unet, UNET);
        require(where, c.vae, VAE);
        require(where, c.text, TEXT);
        require(where, c.scheduler, SCHEDULER);
        require(where, c.tokenizerDir, "tokenizer/ (vocab.json and merges.txt)");
        return c;
    }

    /** Reads the parts that exist. */
    static ComponentConfigs readAvailable(Path dir) throws WeightsFormatException {
        Path tokenizer = dir.resolve("tokenizer");
        boolean hasTokenizer = Files.isRegularFile(tokenizer.resolve("vocab.json"))
                && Files.isRegularFile(tokenizer.resolve("merges.txt"));
        ObjectNode unet = read(dir, UNET);
        ObjectNode vae = read(dir, VAE);
        ObjectNode text = read(dir, TEXT);
        return new ComponentConfigs(
                unet == null ? null : DiffusersDefaults.complete(unet, DiffusersDefaults.unet()),
                vae == null ? null : DiffusersDefaults.complete(vae, DiffusersDefaults.vae()),
                text == null ? null : DiffusersDefaults.complete(text, DiffusersDefaults.text()),
                read(dir, SCHEDULER),
                hasTokenizer ? tokenizer : null);
    }

    private static void require(String where, Object part, String name) throws WeightsFormatException {
        if (part == null) {
            throw new WeightsFormatException(where + "missing " + name);
        }
    }

    boolean isEmpty() {
        return unet == null && vae == null && text == null && scheduler == null && tokenizerDir == null;
    }

    private static ObjectNode read(Path dir, String relative) throws WeightsFormatException {
        Path file = dir.resolve(relative);
        if (!Files.isRegularFile(file)) {
            return null;
        }
        JsonNode node;
        try {
            node = Json.readTree(file);
        } catch (IOException e) {
            throw new WeightsFormatException(dir.getFileName() + "/" + relative + ": not valid JSON", e);
        }
        if (node == null || !node.isObject()) {
            throw new WeightsFormatException(dir.getFileName() + "/" + relative + ": not a JSON object");
        }
        return (ObjectNode) node;
    }
}
