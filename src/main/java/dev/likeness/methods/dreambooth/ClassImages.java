package dev.likeness.methods.dreambooth;

import ai.djl.ndarray.NDArray;
import dev.likeness.pipeline.CancelSignal;
import dev.likeness.pipeline.GeneratedImage;
import dev.likeness.pipeline.GenerationRequest;
import dev.likeness.pipeline.ProgressListener;
import dev.likeness.pipeline.SdModel;
import dev.likeness.pipeline.StableDiffusion;
import dev.likeness.util.AtomicFiles;
import dev.likeness.util.Json;
import dev.likeness.util.PngFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The class images of prior preservation, generated once by the base model and cached on disk. The cache folder is
 * named by a hash of the model's weights and the generation settings, so every run with the same model, prompt and
 * settings reuses the images, and a run asking for more only generates the missing ones. Images are written one by
 * one, so a cancelled run keeps what it made.
 */
public final class ClassImages {
    private ClassImages() {}

    /** The first {@code count} class images, generating those not yet in the cache. */
    public static List<Path> ensure(SdModel model, ClassImageSpec spec, int count, Path cacheRoot,
            ProgressListener listener, CancelSignal cancel) throws IOException {
        Path dir = cacheRoot.resolve(key(model, spec));
        Files.createDirectories(dir);
        AtomicFiles.writeString(dir.resolve("spec.json"), Json.write(describe(model, spec)));
        StableDiffusion sd = new StableDiffusion(model);
        List<Path> out = new ArrayList<>();
        for (int k = 0; k < count; k++) {
            Path file = dir.resolve(String.format("class-%05d.png", k));
            if (!Files.isRegularFile(file)) {
                cancel.throwIfCancelled();
                GenerationRequest req = GenerationRequest.of(spec.prompt(), spec.size(), spec.size())
                        .withSeed(spec.seed() + k).withSteps(spec.steps()).withGuidance(spec.guidance())
                        .withSampler(spec.sampler());
                GeneratedImage img = sd.generate(req, ProgressListener.NONE, cancel).get(0);
                PngFiles.write(file, img.image(), Json.write(img.metadata()));
            }
            listener.onProgress(k + 1, count, "class images");
            out.add(file);
        }
        return out;
    }

    /** The cache folder's name: settings and a digest of weights that tell models apart. */
    static String key(SdModel model, ClassImageSpec spec) {
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            d.update(Json.write(describe(model, spec)).getBytes(StandardCharsets.UTF_8));
            for (NDArray a : identityTensors(model)) {
                d.update(a.toByteArray());
            }
            return HexFormat.of().formatHex(d.digest()).substring(0, 24);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, Object> describe(SdModel model, ClassImageSpec spec) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("model", model.info().name());
        m.put("family", model.info().family());
        m.put("spec", spec);
        return m;
    }

    /** Small tensors at both ends of the UNet and text encoder: any fine-tune or other checkpoint changes them. */
    private static List<NDArray> identityTensors(SdModel model) {
        List<NDArray> out = new ArrayList<>();
        Map<String, NDArray> unet = model.parameters().unet();
        Map<String, NDArray> text = model.parameters().textEncoder();
        for (String name : new String[] {"conv_in.weight", "conv_out.weight"}) {
            if (unet.containsKey(name)) {
                out.add(unet.get(name));
            }
        }
        if (text.containsKey("text_model.final_layer_norm.weight")) {
            out.add(text.get("text_model.final_layer_norm.weight"));
        }
        return out;
    }
}
