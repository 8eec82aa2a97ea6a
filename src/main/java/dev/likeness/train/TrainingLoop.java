package dev.likeness.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import dev.likeness.engine.rng.TorchGenerator;
import dev.likeness.pipeline.CancelSignal;
import dev.likeness.pipeline.ProgressListener;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The loop every method trains with. Each forward/backward runs in its own NDScope so native memory stays flat;
 * AdamW updates in place with fp32 state; checkpoints (every N steps and on cancel) make a resumed run continue
 * exactly where the interrupted one stopped, with the same random stream.
 */
public final class TrainingLoop {
    /** DJL allows one GradientCollector per JVM at a time. */
    private static final ReentrantLock COLLECTOR = new ReentrantLock();
    /** Checkpoint names of {@link TrainingMethod#buffers()}. */
    private static final String BUFFER = "buffer.";

    /** What a run did: the mean loss of every step it ran (not those before a resume). */
    public record Result(int firstStep, List<Float> losses) {}

    private final TrainingMethod method;
    private final TrainingOptions options;

    public TrainingLoop(TrainingMethod method, TrainingOptions options) {
        this.method = method;
        this.options = options;
    }

    /**
     * @param checkpointDir where checkpoints go (null: none)
     * @param resume        continue from the checkpoint in {@code checkpointDir} if there is one
     * @param fingerprint   identifies the run's settings; a checkpoint of different settings is refused
     */
    public Result run(Path checkpointDir, boolean resume, String fingerprint, ProgressListener listener,
            CancelSignal cancel) throws IOException {
        return run(checkpointDir, resume, fingerprint, listener, TrainingObserver.NONE, List.of(), cancel);
    }

    /**
     * The same, reporting each step to {@code observer}; {@code earlier} are the losses of the steps before a resume
     * (so the moving average runs on across it).
     */
    public Result run(Path checkpointDir, boolean resume, String fingerprint, ProgressListener listener,
            TrainingObserver observer, List<Double> earlier, CancelSignal cancel) throws IOException {
        Map<String, NDArray> params = method.trainables();
        NDManager stateManager = params.values().iterator().next().getManager();
        try (AdamW adam = AdamW.defaults(stateManager, options.weightDecay())) {
            TorchGenerator rng = new TorchGenerator(options.seed());
            int start = 0;
            if (resume && checkpointDir != null && TrainingCheckpoint.exists(checkpointDir)) {
                start = restore(checkpointDir, fingerprint, params, adam, rng);
            }
            params.values().forEach(p -> p.setRequiresGradient(true));
            List<Float> losses = new ArrayList<>();
            java.util.ArrayDeque<Double> window = new java.util.ArrayDeque<>();
            for (int k = Math.max(0, Math.min(start, earlier.size()) - TrainingStep.WINDOW);
                    k < Math.min(start, earlier.size()); k++) {
                window.add(earlier.get(k));
            }
            for (int step = start; step < options.steps(); step++) {
                if (cancel.isCancelled()) {
                    if (checkpointDir != null) {
                        save(checkpointDir, step, fingerprint, params, adam, rng);
                    }
                    throw new CancelSignal.CancelledException();
                }
                float loss = forwardBackward(rng);
                Map<String, NDArray> grads = gradients(params);
                GradientClipping.clipGlobalNorm(grads.values(), options.maxGradNorm());
                double lr = options.lr().lr(step);
                adam.step(params, grads, name -> lr * method.lrScale(name));
                grads.values().forEach(NDArray::close);
                params.values().forEach(p -> JniUtils.zeroGrad((PtNDArray) p));
                int done = step;
                GradMode.off(() -> method.afterStep(done));
                losses.add(loss);
                window.add((double) loss);
                if (window.size() > TrainingStep.WINDOW) {
                    window.removeFirst();
                }
                double average = window.stream().mapToDouble(Double::doubleValue).average().orElse(loss);
                observer.onStep(new TrainingStep(step + 1, options.steps(), loss, average, lr));
                listener.onProgress(step + 1, options.steps(), String.format(java.util.Locale.ROOT,
                        "loss %.4f, average %.4f, lr %.2e", loss, average, lr));
                boolean due = options.checkpointEvery() > 0 && (step + 1) % options.checkpointEvery() == 0;
                if (checkpointDir != null && due && step + 1 < options.steps()) {
                    save(checkpointDir, step + 1, fingerprint, params, adam, rng);
                }
            }
            return new Result(start, losses);
        } finally {
            params.values().forEach(p -> p.setRequiresGradient(false));
        }
    }

    private float forwardBackward(TorchGenerator rng) {
        float total = 0;
        int accum = options.gradAccumulation();
        COLLECTOR.lock();
        try {
            for (int a = 0; a < accum; a++) {
                try (NDScope scope = new NDScope();
                        GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    NDArray loss = method.loss(rng, options.batchSize());
                    gc.backward(accum > 1 ? dev.likeness.engine.nn.Ops.scale(loss, 1f / accum) : loss);
                    total += loss.getFloat();
                }
            }
        } finally {
            COLLECTOR.unlock();
        }
        return total / accum;
    }

    private static Map<String, NDArray> gradients(Map<String, NDArray> params) {
        Map<String, NDArray> grads = new LinkedHashMap<>();
        params.forEach((k, p) -> grads.put(k, p.getGradient()));
        return grads;
    }

    private void save(Path dir, int step, String fingerprint, Map<String, NDArray> params, AdamW adam,
            TorchGenerator rng) throws IOException {
        Map<String, NDArray> tensors = new LinkedHashMap<>(params);
        method.buffers().forEach((k, v) -> tensors.put(BUFFER + k, v));
        new TrainingCheckpoint(step, adam.steps(), rng.state(), fingerprint, tensors, adam.stateTensors()).write(dir);
    }

    private int restore(Path dir, String fingerprint, Map<String, NDArray> params, AdamW adam,
            TorchGenerator rng) throws IOException {
        try (NDManager tmp = NDManager.newBaseManager()) {
            TrainingCheckpoint ck = TrainingCheckpoint.read(dir, tmp);
            if (!ck.fingerprint().equals(fingerprint)) {
                throw new IOException("the checkpoint in " + dir + " was made with other settings; "
                        + "start without --resume or use the original settings");
            }
            Map<String, NDArray> state = new LinkedHashMap<>(params);
            method.buffers().forEach((k, v) -> state.put(BUFFER + k, v));
            for (Map.Entry<String, NDArray> e : state.entrySet()) {
                NDArray saved = ck.trainables().get(e.getKey());
                if (saved == null || !saved.getShape().equals(e.getValue().getShape())) {
                    throw new IOException("checkpoint does not match this run (" + e.getKey() + ")");
                }
                GradMode.off(() -> e.getValue().set(saved.toByteBuffer()));
            }
            adam.restore(ck.optimizer(), ck.optimizerSteps());
            rng.restore(ck.rng());
            return ck.step();
        }
    }
}
