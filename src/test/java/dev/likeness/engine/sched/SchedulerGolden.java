package dev.likeness.engine.sched;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import dev.likeness.engine.weights.SafetensorsFile;
import dev.likeness.testing.Golden;
import dev.likeness.util.Json;
import java.io.IOException;
import java.io.UncheckedIOException;

/** The reference trajectories in golden/schedulers.safetensors of one model family. */
final class SchedulerGolden implements AutoCloseable {
    final String family;
    final SafetensorsFile file;
    final JsonNode index;

    private SchedulerGolden(String family, SafetensorsFile file, JsonNode index) {
        this.family = family;
        this.file = file;
        this.index = index;
    }

    static SchedulerGolden open(String family) {
        SafetensorsFile f = Golden.open(family, "schedulers.safetensors");
        try {
            // Python's json writes -Infinity for lambda_min_clipped
            JsonNode index = Json.MAPPER.reader().with(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
                    .readTree(f.metadata().get("index"));
            return new SchedulerGolden(family, f, index);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    JsonNode entry(String key) {
        JsonNode e = index.get(key);
        if (e == null) {
            throw new IllegalArgumentException("no golden entry " + key);
        }
        return e;
    }

    SchedulerConfig config(String key) {
        return SchedulerConfig.parse(entry(key).get("config"));
    }

    long[] timesteps(String key) {
        JsonNode t = entry(key).get("timesteps");
        long[] out = new long[t.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = t.get(i).asLong();
        }
        return out;
    }

    float initNoiseSigma(String key) {
        return (float) entry(key).get("init_noise_sigma").asDouble();
    }

    SchedulerConfig modelConfig() {
        try {
            return SchedulerConfig.read(Golden.model(family).resolve("scheduler").resolve("scheduler_config.json"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() throws IOException {
        file.close();
    }
}
