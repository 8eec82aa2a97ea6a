package dev.likeness.methods;

import dev.likeness.methods.dreambooth.DreamBooth;
import dev.likeness.methods.dreambooth.DreamBoothSetup;
import dev.likeness.pipeline.CancelSignal;
import dev.likeness.pipeline.ProgressListener;
import dev.likeness.pipeline.SdModel;
import dev.likeness.train.LrSchedule;
import dev.likeness.train.TrainingOptions;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** DreamBooth runs on the tiny model: two synthetic subject images, 4 class images of 3 denoising steps. */
final class DreamBoothFixtures {
    private DreamBoothFixtures() {}

    static TrainingOptions options(int steps, double lr, int checkpointEvery) {
        return new TrainingOptions(steps, 1, 1, LrSchedule.constant(lr, steps), 1e-2, 1.0, checkpointEvery, 7);
    }

    /** @param loraRank 0 for a full fine-tune */
    static TrainingRequest request(String name, int loraRank, TrainingOptions options, Path classDir) {
        return request(name, loraRank, options, classDir, Map.of());
    }

    static TrainingRequest request(String name, int loraRank, TrainingOptions options, Path classDir,
            Map<String, Object> more) {
        Map<String, Object> settings = new LinkedHashMap<>(more);
        settings.put("loraRank", loraRank);
        settings.put("classImages", 4);
        settings.put("classSteps", 3);
        return Requests.of("dreambooth", name, List.of(), null, "dog", options, settings, classDir);
    }

    static DreamBooth create(SdModel model, TrainingRequest req) throws IOException {
        return DreamBoothSetup.create(model, req, TextualInversionTest.images(), ProgressListener.NONE,
                CancelSignal.none());
    }
}
