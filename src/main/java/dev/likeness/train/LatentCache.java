package dev.likeness.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.likeness.engine.model.vae.AutoencoderKL;
import dev.likeness.engine.rng.Noise;
import dev.likeness.engine.rng.TorchGenerator;
import dev.likeness.pipeline.ImageTensors;
import java.util.ArrayList;
import java.util.List;

/**
 * The training images encoded once: each image's latent posterior (mean, log-variance), and its flipped twin when
 * flips are on. Every draw samples the posterior afresh, as diffusers' training scripts do, without re-running the VAE.
 */
public final class LatentCache implements AutoCloseable {
    private final NDManager manager;
    private final List<AutoencoderKL.Posterior> posteriors = new ArrayList<>();
    private final List<NDArray> masks = new ArrayList<>();
    private final float scaling;

    public LatentCache(AutoencoderKL vae, List<ReferenceImage> images, boolean flips, NDManager parent,
            DataType computeType) {
        this.manager = parent.newSubManager();
        this.scaling = vae.config().scalingFactor();
        int factor = 1 << (vae.config().blockOutChannels().length - 1);
        GradMode.off(() -> {
            for (ReferenceImage image : images) {
                add(vae, image, factor, computeType);
                if (flips) {
                    add(vae, image.flipped(), factor, computeType);
                }
            }
        });
    }

    private void add(AutoencoderKL vae, ReferenceImage image, int factor, DataType type) {
        NDArray pixels = ImageTensors.toTensor(image.rgb(), manager).mul(2f).sub(1f).toType(type, false);
        AutoencoderKL.Posterior post = vae.encode(pixels);
        NDArray mean = post.mean().toType(DataType.FLOAT32, true);
        NDArray logvar = post.logvar().toType(DataType.FLOAT32, true);
        mean.attach(manager);
        logvar.attach(manager);
        posteriors.add(new AutoencoderKL.Posterior(mean, logvar));
        masks.add(image.mask() == null ? null : downsample(image, factor));
    }

    /** The alpha mask averaged over each latent cell, (1, 1, h, w). */
    private NDArray downsample(ReferenceImage image, int factor) {
        int s = image.size();
        int ls = s / factor;
        float[] out = new float[ls * ls];
        for (int y = 0; y < s; y++) {
            for (int x = 0; x < s; x++) {
                out[(y / factor) * ls + x / factor] += image.mask()[y * s + x] / (factor * factor);
            }
        }
        return manager.create(out, new Shape(1, 1, ls, ls));
    }

    public int size() {
        return posteriors.size();
    }

    public Shape latentShape() {
        return posteriors.get(0).mean().getShape();
    }

    /** Scaled latents of the given entries, each sampled from its posterior with {@code gen}. */
    public NDArray sample(int[] indices, TorchGenerator gen, NDManager m) {
        NDList out = new NDList();
        for (int i : indices) {
            AutoencoderKL.Posterior p = posteriors.get(i);
            out.add(p.sample(Noise.randn(gen, m, p.mean().getShape())).mul(scaling));
        }
        return NDArrays.concat(out, 0);
    }

    /** The subject masks of the entries (all ones where an image has no alpha), (n, 1, h, w); null if none has one. */
    public NDArray masks(int[] indices, NDManager m) {
        boolean any = false;
        for (int i : indices) {
            any |= masks.get(i) != null;
        }
        if (!any) {
            return null;
        }
        Shape s = latentShape();
        NDList out = new NDList();
        for (int i : indices) {
            out.add(masks.get(i) != null ? masks.get(i) : m.ones(new Shape(1, 1, s.get(2), s.get(3))));
        }
        return NDArrays.concat(out, 0);
    }

    @Override
    public void close() {
        manager.close();
    }
}
