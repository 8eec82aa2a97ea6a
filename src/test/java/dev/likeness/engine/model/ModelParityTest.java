package dev.likeness.engine.model;

import static dev.likeness.testing.Golden.assertClose;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.likeness.engine.model.clip.ClipConfig;
import dev.likeness.engine.model.clip.ClipTextModel;
import dev.likeness.engine.model.clip.TextEncoderOutput;
import dev.likeness.engine.model.unet.UNet2DCondition;
import dev.likeness.engine.model.unet.UNetConfig;
import dev.likeness.engine.model.vae.AutoencoderKL;
import dev.likeness.engine.model.vae.VaeConfig;
import dev.likeness.engine.weights.SafetensorsFile;
import dev.likeness.testing.ComponentWeights;
import dev.likeness.testing.Golden;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Text encoder, UNet and VAE against what transformers/diffusers computed on the tiny models. */
class ModelParityTest {
    private static final double TOL = 1e-4;

    @ParameterizedTest
    @ValueSource(strings = {"sd1", "sd2"})
    void textEncoderMatches(String family) throws Exception {
        try (NDManager m = NDManager.newBaseManager(); SafetensorsFile g = Golden.open(family, "text_encoder.safetensors")) {
            ClipTextModel clip = ComponentWeights.build(family, "text_encoder", "model.safetensors", m,
                    (p, c) -> new ClipTextModel(p, ClipConfig.from(c)));
            NDArray ids = g.load("input_ids", m);
            TextEncoderOutput out = clip.forward(ids, true);
            assertClose(out.lastHiddenState(), g.load("last_hidden_state", m), TOL, "last_hidden_state");
            assertClose(out.pooled(), g.load("pooler_output", m), TOL, "pooler_output");
            for (int i = 0; i < out.hiddenStates().size(); i++) {
                assertClose(out.hiddenStates().get(i), g.load("hidden_states." + i, m), TOL, "hidden_states." + i);
            }
            assertClose(clip.clipSkip(out, 2), g.load("clip_skip_2", m), TOL, "clip_skip_2");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sd1", "sd2"})
    void unetMatches(String family) throws Exception {
        try (NDManager m = NDManager.newBaseManager(); SafetensorsFile g = Golden.open(family, "unet.safetensors")) {
            UNet2DCondition unet = ComponentWeights.build(family, "unet", "diffusion_pytorch_model.safetensors", m,
                    (p, c) -> new UNet2DCondition(p, UNetConfig.from(c)));
            NDArray sample = g.load("sample", m);
            NDArray ctx = g.load("encoder_hidden_states", m);
            assertClose(unet.forward(sample, g.load("timesteps", m), ctx), g.load("out", m), TOL, "out");
            assertClose(unet.forward(sample, m.create(500L), ctx), g.load("out_t500", m), TOL, "out_t500");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sd1", "sd2"})
    void vaeMatches(String family) throws Exception {
        try (NDManager m = NDManager.newBaseManager(); SafetensorsFile g = Golden.open(family, "vae.safetensors")) {
            AutoencoderKL vae = ComponentWeights.build(family, "vae", "diffusion_pytorch_model.safetensors", m,
                    (p, c) -> new AutoencoderKL(p, VaeConfig.from(c)));
            AutoencoderKL.Posterior post = vae.encode(g.load("image", m));
            assertClose(post.mean(), g.load("mean", m), TOL, "mean");
            assertClose(post.logvar(), g.load("logvar", m), TOL, "logvar");
            assertClose(vae.decode(g.load("latents", m)), g.load("decoded", m), TOL, "decoded");
        }
    }
}
