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

    /**
     * Tensor bytes are copied out of native memory one tensor at a time while the file is written, so a model of
     * several gigabytes needs no more Java heap than its largest tensor.
     */
    public static void write(Path target, Map<String, NDArray> tensors, Map<String, String> metadata)
            throws IOException {
        Map<String, Object> header = new LinkedHashMap<>();
        if (metadata != null && !metadata.isEmpty()) {
            header.put("__metadata__", metadata);
        }
        long offset = 0;
        for (Map.Entry<String, NDArray> e : tensors.entrySet()) {
            NDArray a = e.getValue();
            TensorDType dtype = TensorDType.of(a.getDataType());
            long length = a.size() * dtype.bytes();
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("dtype", dtype.name());
            entry.put("shape", a.getShape().getShape());
            entry.put("data_offsets", new long[] {offset, offset + length});
            header.put(e.getKey(), entry);
            offset += length;
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
            for (NDArray a : tensors.values()) {
                ByteBuffer bb = a.toByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
                byte[] bytes = new byte[bb.remaining()];
                bb.get(bytes);
                out.write(bytes);
            }
        });
    }
}
