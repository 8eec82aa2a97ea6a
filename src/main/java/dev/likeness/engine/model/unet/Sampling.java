package dev.likeness.engine.model.unet;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import dev.likeness.engine.nn.Conv2d;
import dev.likeness.engine.nn.Params;

/** Down- and upsampling layers of the UNet and the VAE. */
public final class Sampling {
    private Sampling() {}

    /** Strided 3×3 convolution; the VAE's variant pads only right/bottom, as the original LDM code does. */
    public static final class Downsample {
        private final Conv2d conv;
        private final boolean asymmetricPad;

        public Downsample(Params p, long channels, boolean asymmetricPad) {
            this.conv = new Conv2d(p.sub("conv"), channels, channels, 3, 2, asymmetricPad ? 0 : 1);
            this.asymmetricPad = asymmetricPad;
        }

        public NDArray forward(NDArray x) {
            if (asymmetricPad) {
                Shape s = x.getShape();
                NDArray right = x.getManager().zeros(new Shape(s.get(0), s.get(1), s.get(2), 1), x.getDataType());
                NDArray padded = x.concat(right, 3);
                NDArray bottom = x.getManager().zeros(new Shape(s.get(0), s.get(1), 1, s.get(3) + 1), x.getDataType());
                x = padded.concat(bottom, 2);
            }
            return conv.forward(x);
        }
    }

    /** Nearest-neighbour upsampling to a target size (normally 2×), then a 3×3 convolution. */
    public static final class Upsample {
        private final Conv2d conv;

        public Upsample(Params p, long channels) {
            this.conv = Conv2d.same3x3(p.sub("conv"), channels, channels);
        }

        public NDArray forward(NDArray x, long height, long width) {
            long h = x.getShape().get(2);
            long w = x.getShape().get(3);
            NDArray up;
            if (height == 2 * h && width == 2 * w) {
                up = x.repeat(2, 2).repeat(3, 2);
            } else {
                up = x.getNDArrayInternal().interpolation(new long[] {height, width}, 0, false);
            }
            return conv.forward(up);
        }
    }
}
