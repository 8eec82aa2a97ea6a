package dev.likeness.engine.weights;

import java.util.Arrays;

/** One diffusers parameter: where it comes from in the stored file, how it is transformed, and its shape. */
record TensorRoute(String target, String source, long[] shape, TensorTransform transform) {
    static TensorRoute of(String target, String source, long[] sourceShape, TensorTransform transform)
            throws WeightsFormatException {
        try {
            return new TensorRoute(target, source, transform.shape(sourceShape), transform);
        } catch (WeightsFormatException e) {
            throw new WeightsFormatException("tensor '" + source + "': " + e.getMessage());
        }
    }

    static TensorRoute copy(String name, long[] shape) {
        return new TensorRoute(name, name, shape.clone(), new TensorTransform.Copy());
    }

    @Override
    public String toString() {
        return source + " -> " + target + Arrays.toString(shape);
    }
}
