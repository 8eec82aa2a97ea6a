package dev.likeness.methods;

import dev.likeness.train.TrainingOptions;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Personalize requests for tests: settings bound through the registry (strictly), loop options given directly. */
public final class Requests {
    private Requests() {}

    public static TrainingRequest of(String method, String name, List<Path> images, String token, String classWord,
            TrainingOptions options, Map<String, ?> settings, Path classDir) {
        PersonalizationMethod<?> m = MethodRegistry.standard().find(method);
        Record bound = MethodSettings.bind(m, dev.likeness.util.Json.MAPPER.valueToTree(settings));
        return new TrainingRequest(m.id(), name, images, List.of(), token, classWord, options, bound, classDir);
    }
}
