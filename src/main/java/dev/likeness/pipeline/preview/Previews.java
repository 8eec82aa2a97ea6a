package dev.likeness.pipeline.preview;

import dev.likeness.engine.sched.SchedulerConfig;
import dev.likeness.pipeline.SdModel;
import dev.likeness.pipeline.StepPreview;
import java.util.function.IntFunction;

/** Sets up the live previews of one request: the model's map and x̂₀ formula, one throttle for all its images. */
public final class Previews {
    private Previews() {}

    /** The preview of image {@code k} of a {@code width × height} request, or none when the sink is NONE. */
    public static IntFunction<StepPreview> of(SdModel model, int width, int height, PreviewSink sink,
            PreviewThrottle throttle) {
        if (sink == PreviewSink.NONE) {
            return k -> StepPreview.NONE;
        }
        LatentRgbMap map = LatentRgbMaps.shared().forModel(model);
        X0Prediction x0 = X0Prediction.of(SchedulerConfig.parse(model.schedulerConfig()));
        int[] size = LivePreview.size(width, height, LivePreview.MAX_SIDE);
        return k -> new LivePreview(x0, map, throttle, sink, k, size[0], size[1]);
    }
}
