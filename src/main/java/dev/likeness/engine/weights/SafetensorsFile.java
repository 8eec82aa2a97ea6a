package dev.likeness.engine.weights;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import dev.likeness.util.Json;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A validated, memory-mapped safetensors file. The header is checked completely before any tensor is touched
 * (size cap, dtype × shape = byte length, offsets in range, contiguous and non-overlapping), so a malformed
 * file gives a {@link WeightsFormatException} and never reaches native code. Files of any size are supported:
 * each tensor is mapped on its own, and BF16 is widened to F32 in Java because DJL cannot hold BF16.
 */
public final class SafetensorsFile implements AutoCloseable {
    /** Headers of real checkpoints are well under 10 MB; anything larger is refused before it is read. */
    public static final long MAX_HEADER_BYTES = 100L * 1024 * 1024;
    /** Most dimensions a tensor may have (Stable Diffusion's have at most 4). */
    public static final int MAX_RANK = 8;
    /** Header JSON with duplicate keys refused by the parser (otherwise a second entry would silently win). */
    private static final ObjectReader HEADER_READER = Json.MAPPER.reader()
            .with(StreamReadFeature.STRICT_DUPLICATE_DETECTION);
    private static final Pattern DUPLICATE = Pattern.compile("Duplicate (?:field|Object property) '(.*?)'");

    private final Path path;
    private final FileChannel channel;
    private final long dataStart;
    private final Map<String, TensorInfo> tensors;
    private final Map<String, String> metadata;

    private SafetensorsFile(Path path, FileChannel channel, long dataStart, Map<String, TensorInfo> tensors,
            Map<String, String> metadata) {
        this.path = path;
        this.channel = channel;
        this.dataStart = dataStart;
        this.tensors = tensors;
        this.metadata = metadata;
    }

    public static SafetensorsFile open(Path path) throws IOException {
        FileChannel channel;
        try {
            channel = FileChannel.open(path, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            throw new WeightsFormatException("no such file: " + path);
        }
        try {
            return parse(path, channel);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    private static SafetensorsFile parse(Path path, FileChannel channel) throws IOException {
        long fileSize = channel.size();
        String where = path.getFileName() + ": ";
        if (fileSize < 8) {
            throw new WeightsFormatException(where + "not a safetensors file (too short)");
        }
        ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        readFully(channel, lenBuf, 0);
        long headerLen = lenBuf.flip().getLong();
        if (headerLen <= 0 || headerLen > MAX_HEADER_BYTES || headerLen > fileSize - 8) {
            throw new WeightsFormatException(where + "not a safetensors file (header length " + headerLen + ")");
        }
        ByteBuffer header = ByteBuffer.allocate((int) headerLen);
        readFully(channel, header, 8);
        JsonNode root;
        try {
            root = HEADER_READER.readTree(header.array());
        } catch (IOException e) {
            Matcher dup = DUPLICATE.matcher(String.valueOf(e.getMessage()));
            if (dup.find()) {
                throw new WeightsFormatException(where + "invalid safetensors header: the name '" + dup.group(1)
                        + "' appears twice");
            }
            throw new WeightsFormatException(where + "not a safetensors file (header is not JSON)");
        }
        if (root == null || !root.isObject()) {
            throw new WeightsFormatException(where + "not a safetensors file (header is not a JSON object)");
        }
        long dataStart = 8 + headerLen;
        long dataLen = fileSize - dataStart;
        Map<String, TensorInfo> tensors = new LinkedHashMap<>();
        Map<String, String> metadata = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getKey().equals("__metadata__")) {
                readMetadata(where, e.getValue(), metadata);
            } else {
                tensors.put(e.getKey(), readInfo(where, e.getKey(), e.getValue(), dataLen));
            }
        }
        checkLayout(where, tensors, dataLen);
        return new SafetensorsFile(path, channel, dataStart, Collections.unmodifiableMap(tensors),
                Collections.unmodifiableMap(metadata));
    }

    private static void readMetadata(String where, JsonNode node, Map<String, String> out)
            throws WeightsFormatException {
        if (!node.isObject()) {
            throw new WeightsFormatException(where + "__metadata__ must be an object of strings");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().isTextual()) {
                throw new WeightsFormatException(where + "__metadata__ value of '" + e.getKey() + "' is not a string");
            }
            out.put(e.getKey(), e.getValue().asText());
        }
    }

    private static TensorInfo readInfo(String where, String name, JsonNode node, long dataLen)
            throws WeightsFormatException {
        String at = where + "tensor '" + name + "': ";
        if (!node.isObject() || !node.path("dtype").isTextual() || !node.path("shape").isArray()
                || !node.path("data_offsets").isArray() || node.path("data_offsets").size() != 2) {
            throw new WeightsFormatException(at + "entry needs dtype, shape and two data_offsets");
        }
        TensorDType dtype = TensorDType.parse(node.get("dtype").asText());
        JsonNode shapeNode = node.get("shape");
        if (shapeNode.size() > MAX_RANK) {
            throw new WeightsFormatException(at + "has " + shapeNode.size() + " dimensions; at most " + MAX_RANK
                    + " are allowed");
        }
        long[] shape = new long[shapeNode.size()];
        long numel = 1;
        for (int i = 0; i < shape.length; i++) {
            JsonNode d = shapeNode.get(i);
            if (!d.canConvertToLong() || !d.isIntegralNumber() || d.asLong() < 0) {
                throw new WeightsFormatException(at + "bad shape " + shapeNode);
            }
            shape[i] = d.asLong();
            try {
                numel = Math.multiplyExact(numel, shape[i]);
            } catch (ArithmeticException ex) {
                throw new WeightsFormatException(at + "shape overflows " + shapeNode);
            }
        }
        JsonNode off = node.get("data_offsets");
        if (!off.get(0).isIntegralNumber() || !off.get(1).isIntegralNumber()
                || !off.get(0).canConvertToLong() || !off.get(1).canConvertToLong()) {
            throw new WeightsFormatException(at + "bad data_offsets " + off);
        }
        long begin = off.get(0).asLong();
        long end = off.get(1).asLong();
        if (begin < 0 || end < begin || end > dataLen) {
            throw new WeightsFormatException(at + "data_offsets " + off + " outside the data section (" + dataLen
                    + " bytes)");
        }
        long expected;
        try {
            expected = Math.multiplyExact(numel, dtype.bytes());
        } catch (ArithmeticException ex) {
            throw new WeightsFormatException(at + "size overflows");
        }
        if (end - begin != expected) {
            throw new WeightsFormatException(at + dtype + " × " + java.util.Arrays.toString(shape) + " needs "
                    + expected + " bytes but data_offsets span " + (end - begin));
        }
        return new TensorInfo(name, dtype, shape, begin, end);
    }

    private static void checkLayout(String where, Map<String, TensorInfo> tensors, long dataLen)
            throws WeightsFormatException {
        List<TensorInfo> sorted = new ArrayList<>(tensors.values());
        sorted.sort(Comparator.comparingLong(TensorInfo::begin).thenComparingLong(TensorInfo::end));
        long pos = 0;
        for (TensorInfo t : sorted) {
            if (t.begin() < pos) {
                throw new WeightsFormatException(where + "tensor '" + t.name() + "' overlaps another tensor");
            }
            if (t.begin() > pos) {
                throw new WeightsFormatException(where + "gap in the data section before tensor '" + t.name() + "'");
            }
            pos = t.end();
        }
        if (pos != dataLen) {
            throw new WeightsFormatException(where + "data section has " + (dataLen - pos) + " trailing bytes");
        }
    }

    private static void readFully(FileChannel ch, ByteBuffer buf, long position) throws IOException {
        long pos = position;
        while (buf.hasRemaining()) {
            int n = ch.read(buf, pos);
            if (n < 0) {
                throw new WeightsFormatException("unexpected end of file");
            }
            pos += n;
        }
    }

    public Path path() {
        return path;
    }

    public Map<String, TensorInfo> tensors() {
        return tensors;
    }

    public Map<String, String> metadata() {
        return metadata;
    }

    public boolean contains(String name) {
        return tensors.containsKey(name);
    }

    public TensorInfo info(String name) throws WeightsFormatException {
        TensorInfo info = tensors.get(name);
        if (info == null) {
            throw new WeightsFormatException(path.getFileName() + ": no tensor named '" + name + "'");
        }
        return info;
    }

    /** The raw little-endian bytes of one tensor, memory-mapped (read-only). */
    public ByteBuffer bytes(String name) throws IOException {
        TensorInfo info = info(name);
        if (info.byteLength() > Integer.MAX_VALUE) {
            throw new WeightsFormatException(path.getFileName() + ": tensor '" + name + "' exceeds 2 GB");
        }
        MappedByteBuffer map = channel.map(FileChannel.MapMode.READ_ONLY, dataStart + info.begin(), info.byteLength());
        return map.order(ByteOrder.LITTLE_ENDIAN);
    }

    /**
     * Loads a tensor into {@code manager} as an owned copy (never a view of the mapping, so in-place updates are
     * safe). Floating tensors are converted to {@code floatType}; integer tensors keep their type.
     */
    public NDArray load(String name, NDManager manager, DataType floatType) throws IOException {
        TensorInfo info = info(name);
        Shape shape = new Shape(info.shape());
        ByteBuffer mapped = bytes(name);
        ByteBuffer src = mapped;
        DataType type = switch (info.dtype()) {
            case F64 -> DataType.FLOAT64;
            case F32, BF16 -> DataType.FLOAT32;
            case F16 -> DataType.FLOAT16;
            case I64 -> DataType.INT64;
            case I32 -> DataType.INT32;
            case I8 -> DataType.INT8;
            case U8 -> DataType.UINT8;
            case BOOL -> DataType.BOOLEAN;
            default -> throw new WeightsFormatException(path.getFileName() + ": cannot load " + info.dtype()
                    + " tensor '" + name + "'");
        };
        if (info.dtype() == TensorDType.BF16) {
            src = widenBf16(src, info.numel());
        }
        // A zero-copy view of the mapping (or of the widened buffer), immediately copied into torch-owned memory:
        // an in-place op on a read-only mapping would crash the JVM.
        NDArray copy;
        try (NDArray view = manager.create(src, shape, type)) {
            copy = info.dtype().isFloating() && type != floatType ? view.toType(floatType, true) : view.duplicate();
        }
        MappedBuffers.unmap(mapped);
        return copy;
    }

    private static ByteBuffer widenBf16(ByteBuffer src, long numel) {
        ByteBuffer out = ByteBuffer.allocateDirect(Math.toIntExact(numel * 4)).order(ByteOrder.LITTLE_ENDIAN);
        for (long i = 0; i < numel; i++) {
            out.putInt((src.getShort() & 0xFFFF) << 16);
        }
        return out.rewind();
    }

    /** Loads a tensor as float32. */
    public NDArray load(String name, NDManager manager) throws IOException {
        return load(name, manager, DataType.FLOAT32);
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
