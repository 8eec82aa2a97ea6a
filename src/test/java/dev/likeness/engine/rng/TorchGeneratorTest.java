package dev.likeness.engine.rng;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import dev.likeness.engine.weights.SafetensorsFile;
import dev.likeness.testing.Golden;
import dev.likeness.util.Json;
import org.junit.jupiter.api.Test;

class TorchGeneratorTest {
    @Test
    void matchesTorchCpuStreams() throws Exception {
        try (SafetensorsFile f = SafetensorsFile.open(Golden.root().resolve("rng.safetensors"));
                NDManager m = NDManager.newBaseManager()) {
            JsonNode cases = Json.MAPPER.readTree(f.metadata().get("cases"));
            int checked = 0;
            for (String key : f.tensors().keySet()) {
                String[] parts = key.split("\\.");
                long seed = Long.parseLong(parts[1]);
                TorchGenerator g = new TorchGenerator(seed);
                if (parts[0].equals("randint")) {
                    long[] expected = f.load(key, m).toLongArray();
                    long[] actual = g.randint(0, Long.parseLong(parts[2].split("x")[0]), expected.length);
                    assertEquals(java.util.Arrays.toString(expected), java.util.Arrays.toString(actual), key);
                } else {
                    float[] expected = f.load(key, m).toFloatArray();
                    float[] actual = parts[0].equals("rand") ? g.rand(expected.length) : g.randn(expected.length);
                    for (int i = 0; i < expected.length; i++) {
                        float tol = 2e-6f * Math.max(1, Math.abs(expected[i]));
                        assertTrue(Math.abs(expected[i] - actual[i]) <= tol,
                                key + "[" + i + "]: " + actual[i] + " vs " + expected[i]);
                    }
                }
                checked++;
            }
            assertTrue(checked >= 20 && cases.size() >= 1, "checked " + checked);
        }
    }

    @Test
    void secondDrawContinuesTheStreamAndStateRestores() {
        TorchGenerator a = new TorchGenerator(42);
        a.randn(3);
        TorchGenerator.State s = a.state();
        float[] next = a.randn(1, 4, 16, 16);
        TorchGenerator b = new TorchGenerator(0);
        b.restore(s);
        assertEquals(java.util.Arrays.toString(next), java.util.Arrays.toString(b.randn(1, 4, 16, 16)));
    }
}
