package dev.likeness.engine.model.vae;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import dev.likeness.engine.nn.Conv2d;
import dev.likeness.engine.nn.Params;

/** diffusers' AutoencoderKL: encode to a diagonal Gaussian over latents, decode latents to an image. */
public final class AutoencoderKL {
    private final VaeConfig config;
    private final VaeEncoder encoder;
    private final VaeDecoder decoder;
    private final Conv2d quantConv;
    private final Conv2d postQuantConv;

    public AutoencoderKL(Params p, VaeConfig c) {
        this.config = c;
        encoder = new VaeEncoder(p.sub("encoder"), c);
        decoder = new VaeDecoder(p.sub("decoder"), c);
        long z = c.latentChannels();
        quantConv = c.useQuantConv() ? Conv2d.pointwise(p.sub("quant_conv"), 2 * z, 2 * z) : null;
        postQuantConv = c.usePostQuantConv() ? Conv2d.pointwise(p.sub("post_quant_conv"), z, z) : null;
    }

    public VaeConfig config() {
        return config;
    }

    /** The latent distribution's mean and log-variance (clamped to [-30, 20] as diffusers does). */
    public record Posterior(NDArray mean, NDArray logvar) {
        /** mean + std·noise */
        public NDArray sample(NDArray noise) {
            return mean.add(logvar.mul(0.5f).exp().mul(noise));
        }
    }

    /** @param image (batch, 3, h, w) in [-1, 1] */
    public Posterior encode(NDArray image) {
        NDArray moments = encoder.forward(image);
        if (quantConv != null) {
            moments = quantConv.forward(moments);
        }
        NDList parts = moments.split(2, 1);
        return new Posterior(parts.get(0), parts.get(1).clip(-30f, 20f));
    }

    /** @param latents unscaled latents (already divided by the scaling factor) */
    public NDArray decode(NDArray latents) {
        NDArray z = postQuantConv != null ? postQuantConv.forward(latents) : latents;
        return decoder.forward(z);
    }
}
