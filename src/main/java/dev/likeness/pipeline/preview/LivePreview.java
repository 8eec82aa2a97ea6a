package dev.likeness.pipeline.preview;

import ai.djl.ndarray.NDArray;
import dev.likeness.engine.sched.Scheduler;
import dev.likeness.pipeline.StepPreview;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/**
 * The previews of one image of a request: x̂₀ of the step mapped to RGB by the model's {@link LatentRgbMap},
 * scaled to the request's aspect with the longer side at most {@link #MAX_SIDE}, as a PNG for the sink.
 */
public final class LivePreview implements StepPreview {
    public static final int MAX_SIDE = 256;
    /** The JDK's PNG writer maps quality q to deflate level ⌊9·(1 − q)⌋: 0.85 is level 1. */
    private static final float FAST_DEFLATE = 0.85f;
    private final X0Prediction x0;
    private final LatentRgbMap map;
    private final PreviewThrottle throttle;
    private final PreviewSink sink;
    private final int image;
    private final int width;
    private final int height;

    /** @param width, height the preview's size (see {@link #size}) */
    public LivePreview(X0Prediction x0, LatentRgbMap map, PreviewThrottle throttle, PreviewSink sink, int image,
            int width, int height) {
        this.x0 = x0;
        this.map = map;
        this.throttle = throttle;
        this.sink = sink;
        this.image = image;
        this.width = width;
        this.height = height;
    }

    /** The preview size of an image: its own if it fits in {@code maxSide}, else scaled down to fit, aspect kept. */
    public static int[] size(int imageWidth, int imageHeight, int maxSide) {
        int longer = Math.max(imageWidth, imageHeight);
        if (longer <= maxSide) {
            return new int[] {imageWidth, imageHeight};
        }
        double s = (double) maxSide / longer;
        return new int[] {Math.max(1, (int) Math.round(imageWidth * s)), Math.max(1, (int) Math.round(imageHeight * s))};
    }

    @Override
    public boolean wants(int step, int total) {
        return throttle.allow(step >= total);
    }

    @Override
    public void show(int step, int total, Scheduler sched, int index, NDArray modelInput, NDArray modelOutput) {
        sink.accept(new PreviewFrame(step, total, image, width, height, png(render(sched, index, modelInput,
                modelOutput))));
    }

    /** The RGB picture of x̂₀ of the first batch row. */
    BufferedImage render(Scheduler sched, int index, NDArray modelInput, NDArray modelOutput) {
        long[] shape = modelInput.getShape().getShape(); // (batch, c, h, w)
        int c = (int) shape[1];
        int h = (int) shape[2];
        int w = (int) shape[3];
        int n = c * h * w;
        float[] latent = x0.x0(modelInput.toFloatArray(), modelOutput.toFloatArray(), n, sched.modelTimesteps()[index]);
        return map.render(latent, h, w, width, height);
    }

    /** A fast PNG (deflate at its lowest level): a preview is shown once, its encoding time is what counts. */
    static byte[] png(BufferedImage img) {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("png").next();
        try (ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                ImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(FAST_DEFLATE);
            writer.setOutput(out);
            writer.write(null, new IIOImage(img, null, null), param);
            out.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            writer.dispose();
        }
    }
}
