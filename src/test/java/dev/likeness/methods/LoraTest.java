package dev.likeness.methods;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.likeness.methods.ConceptApplier;
import dev.likeness.engine.nn.Linear;
import dev.likeness.engine.rng.TorchGenerator;
import dev.likeness.engine.weights.SafetensorsFile;
import dev.likeness.methods.lora.LoraFiles;
import dev.likeness.methods.lora.LoraNetwork;
import dev.likeness.methods.lora.LoraTargets;
import dev.likeness.methods.lora.LoraWeights;
import dev.likeness.pipeline.CancelSignal;
import dev.likeness.pipeline.GeneratedImage;
import dev.likeness.pipeline.GenerationRequest;
import dev.likeness.pipeline.ProgressListener;
import dev.likeness.pipeline.SdModel;
import dev.likeness.pipeline.SdModelLoader;
import dev.likeness.pipeline.StableDiffusion;
import dev.likeness.testing.Golden;
import dev.likeness.train.GradMode;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** LoRA adapters: the math, the off switch, the file formats, and request-scoped application. */
class LoraTest {
    @TempDir
    Path tmp;

    /** A network whose B is random too, so its delta is not zero. */
    static LoraNetwork trained(SdModel model, int rank, float alpha) {
        LoraNetwork net = LoraNetwork.create(LoraTargets.unetAttention(model.unet()), rank, alpha, 3, model.manager());
        TorchGenerator gen = new TorchGenerator(11);
        GradMode.off(() -> net.layers().values().forEach(l -> {
            float[] v = gen.randn(l.up().getShape().getShape());
            for (int i = 0; i < v.length; i++) {
                v[i] *= 0.5f;
            }
            l.up().set(v);
        }));
        return net;
    }

    private static byte[] unetOut(SdModel model, NDManager m) throws Exception {
        try (SafetensorsFile g = Golden.open("sd1", "unet.safetensors")) {
            return GradMode.off(() -> {
                try {
                    return model.unet().forward(g.load("sample", m), g.load("timesteps", m),
                            g.load("encoder_hidden_states", m)).toByteArray();
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
        }
    }

    @Test
    void multiplierZeroIsTheBaseModelBitForBit() throws Exception {
        try (SdModel model = SdModelLoader.load(Golden.model("sd1"), null); NDManager m = NDManager.newBaseManager()) {
            byte[] base = unetOut(model, m);
            try (LoraNetwork net = trained(model, 4, 4)) {
                assertEquals(model.unet().attentionLayers().size() * 4, net.layers().size(), "q, k, v, out of each");
                net.attach();
                assertFalse(java.util.Arrays.equals(base, unetOut(model, m)), "LoRA changes the output");
                net.setMultiplier(0f);
                assertArrayEquals(base, unetOut(model, m), "multiplier 0 = the base model");
                net.setMultiplier(1f);
                net.detach();
                assertArrayEquals(base, unetOut(model, m), "detached = the base model");
            }
        }
    }

    @Test
    void deltaIsTheMergedWeight() throws Exception {
        try (SdModel model = SdModelLoader.load(Golden.model("sd1"), null); NDManager m = NDManager.newBaseManager();
                LoraNetwork net = trained(model, 4, 2)) {
            String path = LoraTargets.unetAttention(model.unet()).keySet().iterator().next();
            Linear linear = LoraTargets.unetAttention(model.unet()).get(path);
            var layer = net.layers().get(path);
            NDArray x = m.randomNormal(new Shape(2, 5, linear.weight().getShape().get(1)));
            NDArray merged = linear.weight().add(layer.up().matMul(layer.down()).mul(2f / 4f));
            NDArray expected = x.matMul(merged.transpose());
            net.attach();
            NDArray actual = linear.forward(x);
            assertTrue(actual.sub(expected).abs().max().getFloat() < 1e-5, "x·(W + α/r·B·A)ᵀ");
        }
    }

    @Test
    void filesRoundTripInEveryFormat() throws Exception {
        try (SdModel model = SdModelLoader.load(Golden.model("sd1"), null); NDManager m = NDManager.newBaseManager();
                LoraNetwork net = trained(model, 4, 2)) {
            LoraWeights w = net.weights();
            var known = LoraTargets.all(model.unet(), model.textEncoder()).keySet();

            Path ours = tmp.resolve("ours.safetensors");
            LoraFiles.writeLikeness(ours, w, Map.of());
            assertSame(w, LoraFiles.read(ours, null, m), false);

            Path kohya = tmp.resolve("kohya.safetensors");
            LoraFiles.writeKohya(kohya, w, false);
            try (SafetensorsFile f = SafetensorsFile.open(kohya)) {
                assertTrue(f.contains("lora_unet_down_blocks_0_attentions_0_transformer_blocks_0_attn1_to_out_0"
                        + ".lora_down.weight"), f.tensors().keySet().toString());
                assertTrue(f.contains("lora_unet_mid_block_attentions_0_transformer_blocks_0_attn2_to_k.alpha"));
                assertEquals("networks.lora", f.metadata().get("ss_network_module"));
            }
            assertSame(w, LoraFiles.read(kohya, known, m), false);
            assertThrows(java.io.IOException.class, () -> LoraFiles.read(kohya, null, m));

            Path diffusers = tmp.resolve("diffusers.safetensors");
            LoraFiles.writeDiffusers(diffusers, w);
            try (SafetensorsFile f = SafetensorsFile.open(diffusers)) {
                assertTrue(f.contains("unet.up_blocks.1.attentions.0.transformer_blocks.0.attn2.to_v.lora_B.weight"));
                assertTrue(f.tensors().keySet().stream().noneMatch(k -> k.endsWith(".alpha")), "peft has no alpha");
            }
            assertSame(w, LoraFiles.read(diffusers, null, m), true);
        }
    }

    /** Same modules and the same delta B·A·α/r (a diffusers file folds α/r into B). */
    private static void assertSame(LoraWeights expected, LoraWeights actual, boolean folded) {
        assertEquals(expected.modules().keySet(), actual.modules().keySet());
        expected.modules().forEach((k, e) -> {
            LoraWeights.Module a = actual.modules().get(k);
            assertArrayEquals(e.down().toByteArray(), a.down().toByteArray(), k);
            if (folded) {
                assertEquals(a.rank(), a.alpha(), 0f, k);
                NDArray want = e.up().mul(e.alpha() / e.rank());
                assertTrue(want.sub(a.up()).abs().max().getFloat() < 1e-6, k);
            } else {
                assertEquals(e.alpha(), a.alpha(), 0f, k);
                assertArrayEquals(e.up().toByteArray(), a.up().toByteArray(), k);
            }
        });
    }

    @Test
    void aLoraFileAppliesToItsRequestOnly() throws Exception {
        try (SdModel model = SdModelLoader.load(Golden.model("sd1"), null)) {
            Path file = tmp.resolve("subject.safetensors");
            try (LoraNetwork net = trained(model, 4, 4)) {
                LoraFiles.writeKohya(file, net.weights(), false);
            }
            StableDiffusion sd = new StableDiffusion(model, (mm, name) -> ConceptApplier.apply(mm, Path.of(name)));
            GenerationRequest base = new GenerationRequest("a photo of a dog", "", 5, 3, 7.5f, "ddim", 64, 64, 1,
                    null, 0.8f, List.of());
            GenerationRequest withLora = new GenerationRequest("a photo of a dog", "", 5, 3, 7.5f, "ddim", 64, 64, 1,
                    null, 0.8f, List.of(file.toString()));
            int[] before = pixels(sd.generate(base, ProgressListener.NONE, CancelSignal.none()));
            int[] patched = pixels(sd.generate(withLora, ProgressListener.NONE, CancelSignal.none()));
            assertTrue(model.conceptPatches().active().isEmpty(), "patch removed when the request ended");
            int[] after = pixels(sd.generate(base, ProgressListener.NONE, CancelSignal.none()));
            assertFalse(java.util.Arrays.equals(before, patched), "the LoRA changes the image");
            assertArrayEquals(before, after, "the next request without it is the base model again");
        }
    }

    static int[] pixels(List<GeneratedImage> images) {
        var img = images.get(0).image();
        return img.getRGB(0, 0, img.getWidth(), img.getHeight(), null, 0, img.getWidth());
    }
}
