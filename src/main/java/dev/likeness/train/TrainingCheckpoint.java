package dev.likeness.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.likeness.engine.rng.TorchGenerator;
import dev.likeness.engine.weights.SafetensorsFile;
import dev.likeness.engine.weights.SafetensorsWriter;
import dev.likeness.util.Json;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Everything needed to continue a run exactly: trainable tensors, AdamW moments, the generator's state and the step.
 * Written atomically (temp file + rename), so a crash leaves the previous checkpoint intact.
 */
public record TrainingCheckpoint(int step, long optimizerSteps, TorchGenerator.State rng, String fingerprint,
        Map<String, NDArray> trainables, Map<String, NDArray> optimizer) {
    public static final String FILE = "checkpoint.safetensors";

    public void write(Path dir) throws IOException {
        Map<String, NDArray> tensors = new LinkedHashMap<>();
        trainables.forEach((k, v) -> tensors.put("param." + k, v));
        optimizer.forEach((k, v) -> tensors.put("adam." + k, v));
        ObjectNode meta = Json.MAPPER.createObjectNode().put("step", step).put("optimizerSteps", optimizerSteps)
                .put("fingerprint", fingerprint).put("rngSeed", rng.seed()).put("rngIndex", rng.index())
                .put("rngHasNext", rng.hasNextNormal()).put("rngNext", rng.nextNormal())
                .put("rngState", Base64.getEncoder().encodeToString(ints(rng.mt())));
        Files.createDirectories(dir);
        SafetensorsWriter.write(dir.resolve(FILE), tensors, Map.of("likeness_checkpoint", Json.write(meta)));
    }

    public static boolean exists(Path dir) {
        return Files.isRegularFile(dir.resolve(FILE));
    }

    /** The step the checkpoint in {@code dir} continues from, read from its header alone. */
    public static int step(Path dir) throws IOException {
        try (SafetensorsFile f = SafetensorsFile.open(dir.resolve(FILE))) {
            String raw = f.metadata().get("likeness_checkpoint");
            if (raw == null) {
                throw new IOException(dir.resolve(FILE) + " is not a Likeness training checkpoint");
            }
            return Json.MAPPER.readTree(raw).get("step").asInt();
        }
    }

    public static TrainingCheckpoint read(Path dir, NDManager m) throws IOException {
        try (SafetensorsFile f = SafetensorsFile.open(dir.resolve(FILE))) {
            String raw = f.metadata().get("likeness_checkpoint");
            if (raw == null) {
                throw new IOException(dir.resolve(FILE) + " is not a Likeness training checkpoint");
            }
            JsonNode meta = Json.MAPPER.readTree(raw);
            Map<String, NDArray> params = new LinkedHashMap<>();
            Map<String, NDArray> adam = new LinkedHashMap<>();
            for (String key : f.tensors().keySet()) {
                if (key.startsWith("param.")) {
                    params.put(key.substring(6), f.load(key, m));
                } else if (key.startsWith("adam.")) {
                    adam.put(key.substring(5), f.load(key, m));
                }
            }
            TorchGenerator.State rng = new TorchGenerator.State(meta.get("rngSeed").asLong(),
                    fromBytes(Base64.getDecoder().decode(meta.get("rngState").asText())), meta.get("rngIndex").asInt(),
                    meta.get("rngHasNext").asBoolean(), meta.get("rngNext").asDouble());
            return new TrainingCheckpoint(meta.get("step").asInt(), meta.get("optimizerSteps").asLong(), rng,
                    meta.path("fingerprint").asText(), params, adam);
        }
    }

    private static byte[] ints(int[] values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4);
        for (int v : values) {
            b.putInt(v);
        }
        return b.array();
    }

    private static int[] fromBytes(byte[] bytes) {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        int[] out = new int[bytes.length / 4];
        for (int i = 0; i < out.length; i++) {
            out[i] = b.getInt();
        }
        return out;
    }
}
