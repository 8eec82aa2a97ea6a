package dev.likeness.engine.weights;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;

/**
 * How a stored tensor becomes a diffusers parameter. Each transform works on shapes alone (for planning and
 * checking without touching data) and on arrays. The results are views of the loaded source where torch allows
 * it, so a transform never copies data.
 */
sealed interface TensorTransform {
    long[] shape(long[] source) throws WeightsFormatException;

    NDArray apply(NDArray source);

    /** Taken as stored. */
    record Copy() implements TensorTransform {
        @Override
        public long[] shape(long[] source) {
            return source.clone();
        }

        @Override
        public NDArray apply(NDArray source) {
            return source;
        }
    }

    /** A 1x1 convolution kernel [O, I, 1, 1] used as a Linear weight [O, I]. */
    record SqueezeConv1x1() implements TensorTransform {
        @Override
        public long[] shape(long[] source) throws WeightsFormatException {
            if (source.length != 4 || source[2] != 1 || source[3] != 1) {
                throw new WeightsFormatException("expected a 1x1 convolution kernel, got shape "
                        + Arrays.toString(source));
            }
            return new long[] {source[0], source[1]};
        }

        @Override
        public NDArray apply(NDArray source) {
            Shape s = source.getShape();
            return source.reshape(s.get(0), s.get(1));
        }
    }

    /** Part {@code index} of {@code parts} equal slices along the first axis (a fused q/k/v projection). */
    record Chunk(int index, int parts) implements TensorTransform {
        @Override
        public long[] shape(long[] source) throws WeightsFormatException {
            if (source.length == 0 || source[0] % parts != 0) {
                throw new WeightsFormatException("cannot split shape " + Arrays.toString(source) + " into " + parts
                        + " equal parts");
            }
            long[] out = source.clone();
            out[0] = source[0] / parts;
            return out;
        }

        @Override
        public NDArray apply(NDArray source) {
            long size = source.getShape().get(0) / parts;
            return source.get(new NDIndex("{}:{}", index * size, (index + 1) * size));
        }
    }
}
