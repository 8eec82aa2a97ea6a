package dev.likeness.engine.weights;

import ai.djl.ndarray.NDArray;
import dev.likeness.util.AtomicFiles;
import dev.likeness.util.Json;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** Writes NDArrays as a safetensors file, atomically (temp file + rename). */
public final class SafetensorsWriter {
    private SafetensorsWriter() {}

    public static void write(Path target, Map<String, NDArray> tensors, Map<String, String> metadata)
            throws IOException {
        Map<String, Object> header = new LinkedHashMap<>();
        if (metadata != null && !metadata.isEmpty()) {
            header.put("__metadata__", metadata);
        }
        long offset = 0;
        Map<String, byte[]> payloads = new LinkedHashMap<>();
        for (Map.Entry<String, NDArray> e : tensors.entrySet()) {
            NDArray a = e.getValue();
            ByteBuffer bb = a.toByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
            byte[] bytes = new byte[bb.remaining()];
            bb.get(bytes);
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("dtype", TensorDType.of(a.getDataType()).name());
            entry.put("shape", a.getShape().getShape());
            entry.put("data_offsets", new long[] {offset, offset + bytes.length});
            header.put(e.getKey(), entry);
            payloads.put(e.getKey(), bytes);
            offset += bytes.length;
        }
        byte[] json = Json.write(header).getBytes(StandardCharsets.UTF_8);
        int pad = (8 - json.length % 8) % 8;
        byte[] padded = new byte[json.length + pad];
        System.arraycopy(json, 0, padded, 0, json.length);
        for (int i = json.length; i < padded.length; i++) {
            padded[i] = ' ';
        }
        AtomicFiles.write(target, out -> {
            ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(padded.length);
            out.write(len.array());
            out.write(padded);
            for (byte[] p : payloads.values()) {
                out.write(p);
            }
        });
    }
}
