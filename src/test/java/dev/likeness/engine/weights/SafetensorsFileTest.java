package dev.likeness.engine.weights;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.likeness.testing.Golden;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsFileTest {
    @TempDir
    Path tmp;

    private Path raw(String header, byte[] data) throws IOException {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(h.length).put(h).put(data);
        Path p = Files.createTempFile(tmp, "t", ".safetensors");
        Files.write(p, b.array());
        return p;
    }

    @Test
    void readsGoldenTensors() throws IOException {
        try (SafetensorsFile f = Golden.open("sd1", "vae.safetensors"); NDManager m = NDManager.newBaseManager()) {
            assertEquals("0.18215", f.metadata().get("scaling_factor"));
            NDArray img = f.load("image", m);
            assertEquals(new Shape(1, 3, 64, 64), img.getShape());
            assertTrue(img.abs().max().getFloat() <= 1.0f);
        }
    }

    @Test
    void roundTripsAllTypesAndWidensBf16() throws IOException {
        try (NDManager m = NDManager.newBaseManager()) {
            Map<String, NDArray> t = new LinkedHashMap<>();
            t.put("a", m.create(new float[] {1.5f, -2f, 3.25f}, new Shape(3)));
            t.put("b", m.create(new long[] {7, 8}, new Shape(2)));
            t.put("c", m.create(new float[] {0.5f, 1f}).toType(DataType.FLOAT16, false));
            Path p = tmp.resolve("x.safetensors");
            SafetensorsWriter.write(p, t, Map.of("k", "v"));
            try (SafetensorsFile f = SafetensorsFile.open(p)) {
                assertEquals("v", f.metadata().get("k"));
                assertEquals(3.25f, f.load("a", m).getFloat(2));
                assertEquals(8L, f.load("b", m).getLong(1));
                assertEquals(DataType.FLOAT32, f.load("c", m).getDataType());
                assertEquals(1f, f.load("c", m).getFloat(1));
                NDArray a = f.load("a", m);
                a.muli(2); // must be an owned copy, not the read-only mapping
                assertEquals(6.5f, a.getFloat(2));
            }
            // bf16 1.5 = 0x3FC0
            Path bf = raw("{\"x\":{\"dtype\":\"BF16\",\"shape\":[2],\"data_offsets\":[0,4]}}",
                    new byte[] {(byte) 0xC0, 0x3F, (byte) 0x80, (byte) 0xBF});
            try (SafetensorsFile f = SafetensorsFile.open(bf)) {
                NDArray x = f.load("x", m);
                assertEquals(DataType.FLOAT32, x.getDataType());
                assertEquals(1.5f, x.getFloat(0));
                assertEquals(-1.0f, x.getFloat(1));
            }
        }
    }

    @Test
    void refusesMalformedHeaders() throws IOException {
        byte[] d8 = new byte[8];
        String[] bad = {
            "{\"x\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", // size mismatch
            "{\"x\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}", // out of range
            "{\"x\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                    + "\"y\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[2,6]}}", // overlap
            "{\"x\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", // gap
            "{\"x\":{\"dtype\":\"Q4\",\"shape\":[1],\"data_offsets\":[0,4]}}", // dtype
            "{\"x\":{\"dtype\":\"F32\",\"shape\":[-2],\"data_offsets\":[0,8]}}", // shape
            "[1,2]", "not json at all",
        };
        for (String h : bad) {
            Path p = raw(h, d8);
            assertThrows(WeightsFormatException.class, () -> SafetensorsFile.open(p).close(), h);
        }
        Path huge = tmp.resolve("huge.safetensors");
        Files.write(huge, ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(Long.MAX_VALUE).array());
        assertThrows(WeightsFormatException.class, () -> SafetensorsFile.open(huge).close());
        Path tiny = tmp.resolve("tiny.safetensors");
        Files.write(tiny, new byte[3]);
        assertThrows(WeightsFormatException.class, () -> SafetensorsFile.open(tiny).close());
        assertThrows(WeightsFormatException.class, () -> SafetensorsFile.open(tmp.resolve("missing")).close());
    }

    /** Issue 17 item 5: a name given twice is refused (not "the second entry wins"), and so is a rank over 8. */
    @Test
    void refusesDuplicateNamesAndTooManyDimensions() throws IOException {
        Path dup = raw("{\"x\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                + "\"x\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", new byte[8]);
        WeightsFormatException e = assertThrows(WeightsFormatException.class, () -> SafetensorsFile.open(dup).close());
        assertTrue(e.getMessage().contains("'x' appears twice"), e.getMessage());
        Path dupMeta = raw("{\"__metadata__\":{\"a\":\"1\",\"a\":\"2\"},"
                + "\"x\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", new byte[8]);
        assertThrows(WeightsFormatException.class, () -> SafetensorsFile.open(dupMeta).close());
        for (int rank : new int[] {9, 1000}) {
            String shape = String.join(",", java.util.Collections.nCopies(rank, "1"));
            Path p = raw("{\"x\":{\"dtype\":\"F32\",\"shape\":[" + shape + "],\"data_offsets\":[0,4]}}",
                    new byte[4]);
            WeightsFormatException r = assertThrows(WeightsFormatException.class, () -> SafetensorsFile.open(p).close());
            assertTrue(r.getMessage().contains(rank + " dimensions; at most 8"), r.getMessage());
        }
        String eight = String.join(",", java.util.Collections.nCopies(8, "1"));
        try (SafetensorsFile ok = SafetensorsFile.open(raw("{\"x\":{\"dtype\":\"F32\",\"shape\":[" + eight
                + "],\"data_offsets\":[0,4]}}", new byte[4]))) {
            assertEquals(8, ok.tensors().get("x").shape().length);
        }
    }
}
