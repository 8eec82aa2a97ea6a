package dev.likeness.methods.perfusion;

import dev.likeness.methods.textualinversion.TextualInversion;
import dev.likeness.methods.textualinversion.TextualInversionConfig;
import dev.likeness.pipeline.CancelSignal;
import dev.likeness.pipeline.ProgressListener;
import dev.likeness.pipeline.SdModel;
import dev.likeness.pipeline.SdModelLoader;
import dev.likeness.train.LrSchedule;
import dev.likeness.train.TrainingLoop;
import dev.likeness.train.TrainingMethod;
import dev.likeness.train.TrainingOptions;
import java.nio.file.Path;

/**
 * ms/step (wall clock and process CPU time) and peak RSS of one method on a model, in a fresh JVM (for the README's
 * benchmark table): {@code java -cp ... dev.likeness.methods.perfusion.TrainBenchmark perfusion|ti MODEL [steps]}.
 * On a shared machine, run it with one torch thread ({@code OMP_NUM_THREADS=1 -Dai.djl.pytorch.num_threads=1
 * -Dai.djl.pytorch.num_interop_threads=1}) and read the CPU time.
 */
public final class TrainBenchmark {
    private TrainBenchmark() {}

    public static void main(String[] args) throws Exception {
        String method = args[0];
        int steps = args.length > 2 ? Integer.parseInt(args[2]) : 30;
        try (SdModel model = SdModelLoader.load(Path.of(args[1]), null);
                TrainingMethod m = method.equals("ti")
                        ? new TextualInversion(model, new TextualInversionConfig("<b>", "dog", 1, "object", true),
                                PerfusionTrainingTest.images(0))
                        : PerfusionTrainingTest.perfusion(model, "<b>", "dog", 0)) {
            TrainingOptions warm = new TrainingOptions(5, 1, 1, LrSchedule.constant(1e-3, 5), 0, 0, 0, 1);
            new TrainingLoop(m, warm).run(null, false, "w", ProgressListener.NONE, CancelSignal.none());
            TrainingOptions run = new TrainingOptions(steps, 1, 1, LrSchedule.constant(1e-3, steps), 0, 0, 0, 2);
            var os = (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                    .getOperatingSystemMXBean();
            long t0 = System.nanoTime();
            long cpu0 = os.getProcessCpuTime();
            new TrainingLoop(m, run).run(null, false, "r", ProgressListener.NONE, CancelSignal.none());
            double ms = (System.nanoTime() - t0) / 1e6 / steps;
            double cpuMs = (os.getProcessCpuTime() - cpu0) / 1e6 / steps;
            System.out.printf("%s: %.1f ms/step wall, %.1f ms/step CPU (batch 1, %d steps), peak RSS %d MB%n", method,
                    ms, cpuMs, steps, PerfusionBench.peakRssKb() / 1024);
        }
    }
}
