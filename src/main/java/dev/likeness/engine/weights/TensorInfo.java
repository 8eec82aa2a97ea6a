package dev.likeness.engine.weights;

import java.util.Arrays;

/** One tensor's entry in a safetensors header: offsets are relative to the start of the data section. */
public record TensorInfo(String name, TensorDType dtype, long[] shape, long begin, long end) {
    public long numel() {
        long n = 1;
        for (long d : shape) {
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    public long byteLength() {
        return end - begin;
    }

    @Override
    public String toString() {
        return name + " " + dtype + Arrays.toString(shape);
    }
}
