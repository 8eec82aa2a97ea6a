package dev.likeness.pipeline.preview;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.likeness.engine.rng.TorchGenerator;
import dev.likeness.pipeline.CancelSignal;
import dev.likeness.pipeline.GeneratedImage;
import dev.likeness.pipeline.GenerationRequest;
import dev.likeness.pipeline.ProgressListener;
import dev.likeness.pipeline.SdModel;
import dev.likeness.pipeline.SdModelLoader;
import dev.likeness.pipeline.StableDiffusion;
import dev.likeness.testing.Golden;
import dev.likeness.util.Json;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Live previews on the tiny SD1 model: the latent→RGB fit predicts the VAE on latents it was not fitted on, the map is
 * cached by VAE fingerprint, and sampling with previews sends PNG frames (always the last step) without changing
 * the image by a single bit.
 */
class LivePreviewTest {
    private static SdModel model;

    @TempDir
    Path tmp;

    @BeforeAll
    static void load() throws Exception {
        model = SdModelLoader.load(Golden.model("sd1"), null);
    }

    @AfterAll
    static void close() {
        if (model != null) {
            model.close();
        }
    }

    @Test
    void theFitPredictsTheDecoderOnFreshLatents() {
        LatentRgbFit.Result fit = LatentRgbFit.fit(model, LatentRgbFit.Settings.DEFAULT);
        int c = model.vae().config().latentChannels();
        int n = LatentRgbFit.Settings.DEFAULT.size();
        float[] z = LatentRgbFit.latent(new TorchGenerator(12345), c, n);
        float[] blocks = LatentRgbFit.decodeBlocks(model, z, c, n, model.vaeScale());
        double sq = 0;
        double meanSq = 0;
        int count = 0;
        for (int k = 0; k < 3; k++) {
            double mean = 0;
            for (int p = 0; p < n * n; p++) {
                mean += blocks[k * n * n + p] / (n * n);
            }
            for (int y = 1; y < n - 1; y++) {
                for (int x = 1; x < n - 1; x++) {
                    int p = y * n + x;
                    double v = fit.map().bias()[k];
                    for (int ch = 0; ch < c; ch++) {
                        v += fit.map().weights()[ch][k] * z[ch * n * n + p];
                    }
                    sq += Math.pow(v - blocks[k * n * n + p], 2);
                    meanSq += Math.pow(mean - blocks[k * n * n + p], 2);
                    count++;
                }
            }
        }
        double rmse = Math.sqrt(sq / count);
        double fitRmse = Math.sqrt((fit.rmse()[0] * fit.rmse()[0] + fit.rmse()[1] * fit.rmse()[1]
                + fit.rmse()[2] * fit.rmse()[2]) / 3);
        System.out.printf("latent->rgb fit: rmse %s r2 %s, fresh-latent rmse %.4f (mean predictor %.4f)%n",
                java.util.Arrays.toString(fit.rmse()), java.util.Arrays.toString(fit.r2()), rmse,
                Math.sqrt(meanSq / count));
        // the tiny model's VAE has random weights, so it is far from linear; a real one fits far better
        assertTrue(rmse < 0.95 * Math.sqrt(meanSq / count), "the map beats predicting the mean colour: " + rmse);
        assertTrue(rmse < 1.5 * fitRmse + 0.01, "fresh latents fit about as well as the fitted ones: " + rmse);
    }

    @Test
    void theMapIsCachedByVaeFingerprintAndRefittedWhenUnreadable() throws Exception {
        LatentRgbMaps maps = new LatentRgbMaps(tmp);
        LatentRgbMap first = maps.forModel(model);
        Path file = maps.file(VaeFingerprint.of(model));
        assertTrue(Files.isRegularFile(file), "written to the cache");
        JsonNode json = Json.readTree(file);
        assertEquals(3, json.get("rmse").size(), json.toString());
        assertEquals(model.vae().config().latentChannels(), json.get("map").get("weights").size(), json.toString());

        Files.writeString(file, Json.write(Json.MAPPER.createObjectNode().set("map", first.toJson())));
        LatentRgbMap cached = new LatentRgbMaps(tmp).forModel(model); // a stub fit file: read, not refitted
        assertArrayEquals(first.bias(), cached.bias());
        assertFalse(Json.readTree(file).has("rmse"), "read from the cache, not refitted");

        Files.writeString(file, "{ not json");
        LatentRgbMap refit = new LatentRgbMaps(tmp).forModel(model);
        assertArrayEquals(first.bias(), refit.bias(), 1e-12);
        assertTrue(Json.readTree(file).has("rmse"), "an unreadable cache file is refitted and rewritten");
    }

    @Test
    void samplingWithPreviewsSendsFramesAndTheSameImage() throws Exception {
        GenerationRequest req = new GenerationRequest("a photo of a cat", "", 3, 6, 7.5f, "euler_a", 64, 48, 2, null,
                0.8f, List.of());
        StableDiffusion sd = new StableDiffusion(model);
        long t0 = System.nanoTime();
        List<GeneratedImage> plain = sd.generate(req, ProgressListener.NONE, CancelSignal.none());
        long t1 = System.nanoTime();
        List<PreviewFrame> frames = new ArrayList<>();
        List<GeneratedImage> previewed = sd.generate(req, ProgressListener.NONE, CancelSignal.none(), frames::add);
        System.out.printf("plain %.1f s, with previews %.1f s%n", (t1 - t0) / 1e9, (System.nanoTime() - t1) / 1e9);

        assertFalse(frames.isEmpty());
        PreviewFrame last = frames.get(frames.size() - 1);
        assertEquals(12, last.total());
        assertEquals(12, last.step(), "the last step always gets a preview");
        assertEquals(1, last.image());
        assertEquals(1, frames.get(0).step(), "the first step gets one at once");
        BufferedImage png = ImageIO.read(new ByteArrayInputStream(last.png()));
        assertEquals(64, png.getWidth());
        assertEquals(48, png.getHeight());
        assertTrue(distinctColours(png) > 8, "a preview is a picture, not a flat colour");
        for (int k = 0; k < 2; k++) {
            BufferedImage a = plain.get(k).image();
            BufferedImage b = previewed.get(k).image();
            for (int y = 0; y < a.getHeight(); y++) {
                for (int x = 0; x < a.getWidth(); x++) {
                    assertEquals(a.getRGB(x, y), b.getRGB(x, y), "image " + k + " pixel " + x + "," + y);
                }
            }
        }
    }

    static int distinctColours(BufferedImage img) {
        java.util.Set<Integer> colours = new java.util.HashSet<>();
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                colours.add(img.getRGB(x, y));
            }
        }
        return colours.size();
    }
}
