package dev.likeness.server.support;

import dev.likeness.engine.nn.BlockBoundary;
import dev.likeness.pipeline.CancelSignal;
import dev.likeness.pipeline.GeneratedImage;
import dev.likeness.pipeline.GenerationRequest;
import dev.likeness.pipeline.ImageGenerator;
import dev.likeness.pipeline.ModelInfo;
import dev.likeness.pipeline.ProgressListener;
import dev.likeness.pipeline.preview.PreviewFrame;
import dev.likeness.pipeline.preview.PreviewSink;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Test double of an engine: paints a gradient determined by the seed, reports progress per step, honours
 * cancel between steps and, like the UNet, between the 10 ms "blocks" of a step. A prompt containing "oom" fails the way DJL reports CUDA out-of-memory; "bad weights" fails with a
 * wrapped loader exception.
 */
public final class FakeGenerator implements ImageGenerator {
    public static final List<String> PROMPTS_RUN = new CopyOnWriteArrayList<>();
    private final String name;
    private final long stepMillis;

    public FakeGenerator(String name, long stepMillis) {
        this.name = name;
        this.stepMillis = stepMillis;
    }

    /** Sends an 8×8 preview with each step. */
    @Override
    public List<GeneratedImage> generate(GenerationRequest request, ProgressListener listener, CancelSignal cancel,
            PreviewSink previews) {
        return generate(request, (step, total, message) -> {
            listener.onProgress(step, total, message);
            previews.accept(new PreviewFrame(step, total, 0, 8, 8, Pngs.valid(8, 8)));
        }, cancel);
    }

    @Override
    public List<GeneratedImage> generate(GenerationRequest request, ProgressListener listener, CancelSignal cancel) {
        PROMPTS_RUN.add(request.prompt());
        if (request.prompt().contains("oom")) {
            throw new ai.djl.engine.EngineException("CUDA out of memory. Tried to allocate 2.00 GiB (GPU 0; 7.79 GiB "
                    + "total capacity)");
        }
        if (request.prompt().contains("bad weights")) { // a loader error wrapped the way runners see them
            throw new IllegalStateException(new dev.likeness.engine.weights.WeightsFormatException(
                    "demo.safetensors: invalid safetensors header"));
        }
        try (BlockBoundary.Installed b = BlockBoundary.install(cancel::throwIfCancelled)) {
            for (int step = 1; step <= request.steps(); step++) {
                cancel.throwIfCancelled();
                slowStep();
                listener.onProgress(step, request.steps(), "denoising");
            }
        }
        List<GeneratedImage> out = new ArrayList<>();
        for (int k = 0; k < request.count(); k++) {
            long seed = request.seed() + k;
            out.add(new GeneratedImage(paint(request.width(), request.height(), seed), seed, Map.of("fake", true)));
        }
        return out;
    }

    /** One step of {@code stepMillis}, made of 10 ms "blocks" with the UNet's block-boundary check between them. */
    private void slowStep() {
        long end = System.nanoTime() + stepMillis * 1_000_000L;
        for (long left = stepMillis; left > 0; left = (end - System.nanoTime()) / 1_000_000L) {
            try {
                Thread.sleep(Math.min(10, left));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CancelSignal.CancelledException();
            }
            BlockBoundary.check();
        }
    }

    public static BufferedImage paint(int w, int h, long seed) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        int r0 = (int) (seed % 256);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.setRGB(x, y, ((r0 + x) & 255) << 16 | ((y * 3) & 255) << 8 | (int) ((seed >> 8) & 255));
            }
        }
        return img;
    }

    @Override
    public ModelInfo info() {
        return new ModelInfo(name, null, "fake", "sd1", "epsilon", "ddim", name.equals("demo"), Map.of("unet", 1L));
    }

    @Override
    public void close() {}
}
