package dev.likeness.engine.weights;

import ai.djl.ndarray.types.DataType;

/** The element types a safetensors file may hold, with their sizes. */
public enum TensorDType {
    F64(8), F32(4), F16(2), BF16(2), I64(8), I32(4), I16(2), I8(1), U8(1), BOOL(1);

    private final int bytes;

    TensorDType(int bytes) {
        this.bytes = bytes;
    }

    public int bytes() {
        return bytes;
    }

    public boolean isFloating() {
        return this == F64 || this == F32 || this == F16 || this == BF16;
    }

    public static TensorDType parse(String name) throws WeightsFormatException {
        try {
            return valueOf(name);
        } catch (IllegalArgumentException e) {
            throw new WeightsFormatException("unsupported tensor dtype '" + name + "'");
        }
    }

    /** The safetensors name for a DJL type (BF16 never reaches DJL, see SafetensorsFile). */
    public static TensorDType of(DataType type) {
        return switch (type) {
            case FLOAT64 -> F64;
            case FLOAT32 -> F32;
            case FLOAT16 -> F16;
            case INT64 -> I64;
            case INT32 -> I32;
            case INT8 -> I8;
            case UINT8 -> U8;
            case BOOLEAN -> BOOL;
            default -> throw new IllegalArgumentException("cannot store " + type + " in safetensors");
        };
    }
}
