package dev.likeness.testing;

import com.fasterxml.jackson.databind.JsonNode;
import dev.likeness.util.Json;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Zero-weight .safetensors files of any size that take no disk: the header names every tensor, the data section is
 * a hole (a sparse file reads as zeros). Enough to load real architectures (SD 1.5, SD 2.1) without their weights.
 */
public final class SparseCheckpoints {
    private SparseCheckpoints() {}

    /** Every {@code name: [dims]} of a real-architectures.json table, in its order. */
    public static Map<String, long[]> shapes(JsonNode table) {
        Map<String, long[]> out = new LinkedHashMap<>();
        table.fields().forEachRemaining(e -> {
            long[] shape = new long[e.getValue().size()];
            for (int i = 0; i < shape.length; i++) {
                shape[i] = e.getValue().get(i).asLong();
            }
            out.put(e.getKey(), shape);
        });
        return out;
    }

    /** Writes the tensors as zeros of {@code dtype} ("F16" or "F32"), with optional {@code __metadata__}. */
    public static void write(Path file, Map<String, long[]> shapes, String dtype, Map<String, String> metadata)
            throws IOException {
        int width = dtype.equals("F16") || dtype.equals("BF16") ? 2 : 4;
        Map<String, Object> header = new LinkedHashMap<>();
        if (!metadata.isEmpty()) {
            header.put("__metadata__", metadata);
        }
        long offset = 0;
        for (Map.Entry<String, long[]> e : shapes.entrySet()) {
            long n = width;
            for (long d : e.getValue()) {
                n *= d;
            }
            Map<String, Object> info = new LinkedHashMap<>();
            info.put("dtype", dtype);
            info.put("shape", e.getValue());
            info.put("data_offsets", new long[] {offset, offset + n});
            header.put(e.getKey(), info);
            offset += n;
        }
        StringBuilder json = new StringBuilder(Json.write(header));
        while ((json.length() + 8) % 8 != 0) {
            json.append(' ');
        }
        byte[] head = json.toString().getBytes(StandardCharsets.UTF_8);
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(head.length);
            f.write(len.array());
            f.write(head);
            f.setLength(8 + head.length + offset);
        }
    }
}
