package dev.likeness.methods;

import ai.djl.ndarray.NDScope;
import dev.likeness.pipeline.CancelSignal;
import dev.likeness.pipeline.GenerationRequest;
import dev.likeness.pipeline.ProgressListener;
import dev.likeness.pipeline.SdModel;
import dev.likeness.pipeline.StableDiffusion;
import dev.likeness.pipeline.preview.PreviewFrame;
import dev.likeness.pipeline.preview.PreviewSink;
import dev.likeness.train.GradMode;
import dev.likeness.train.TrainingMethod;
import dev.likeness.train.TrainingObserver;
import dev.likeness.train.TrainingStep;
import dev.likeness.util.AtomicFiles;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * Makes the {@link SamplePlan}'s sample images as a run trains, with gradients off and in their own scope, from the
 * model as the method has it at that step: {@code step-000100.png} in the samples folder, and each as a preview
 * to {@code sink} (the job's progress stream). Sampling draws from its own seeded generator, so a run trains the
 * same with samples as without (tested bit for bit).
 */
final class TrainingSamples implements TrainingObserver {
    private final SdModel model;
    private final TrainingMethod method;
    private final SamplePlan plan;
    private final Path dir;
    private final PreviewSink sink;
    private final int size;

    TrainingSamples(SdModel model, TrainingMethod method, SamplePlan plan, Path dir, PreviewSink sink) {
        this.model = model;
        this.method = method;
        this.plan = plan;
        this.dir = dir;
        this.sink = sink;
        this.size = model.unet().config().sampleSize() * model.vaeScale();
    }

    /** A sample's file name: {@code step-000100.png}. */
    static String fileName(int step) {
        return String.format(Locale.ROOT, "step-%06d.png", step);
    }

    /** The training step a sample file was made at. */
    static int step(Path sample) {
        String n = sample.getFileName().toString();
        return Integer.parseInt(n.substring("step-".length(), n.length() - ".png".length()));
    }

    /** The sample files in a samples folder, in step order. */
    static List<Path> files(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (var s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().matches("step-\\d+\\.png")).sorted().toList();
        }
    }

    @Override
    public void onStep(TrainingStep step) {
        if (!plan.due(step.step(), step.total())) {
            return;
        }
        BufferedImage picture = GradMode.off(() -> {
            try (NDScope scope = new NDScope()) {
                TrainingMethod.Sample sample = method.sample();
                if (sample == null) {
                    return null;
                }
                sample.tokens().forEach((token, rows) -> model.conceptTokens().put(token, rows));
                String prompt = plan.prompt() != null ? plan.prompt() : sample.prompt();
                GenerationRequest req = new GenerationRequest(prompt, "", plan.seed(), plan.sampleSteps(),
                        plan.guidance(), "ddim", size, size, 1, null, 1f, List.of());
                return new StableDiffusion(model).generate(req, ProgressListener.NONE, CancelSignal.none()).get(0)
                        .image();
            }
        });
        if (picture == null) {
            return;
        }
        try {
            ByteArrayOutputStream png = new ByteArrayOutputStream();
            ImageIO.write(picture, "png", png);
            Files.createDirectories(dir);
            AtomicFiles.writeBytes(dir.resolve(fileName(step.step())), png.toByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the training sample into " + dir, e);
        }
        sink.accept(PreviewFrame.of(picture, step.step(), step.total()));
    }
}
