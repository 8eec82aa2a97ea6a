package dev.likeness.api;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * One personalization run: a method of the registry (textual-inversion, dreambooth, perfusion, palp, or an alias),
 * the concept's name, its reference images (a PNG's alpha is the subject mask) and, where the method needs one,
 * the class word. Null fields take the method's defaults (see the README's per-method table); {@code settings} are
 * the method's own settings by their API names, checked strictly (an unknown name is an error).
 */
public record Training(String method, String name, List<Path> images, @Nullable String classWord,
        @Nullable String token, @Nullable Integer steps, @Nullable Double learningRate, long seed,
        Map<String, Object> settings) {
    public Training {
        images = List.copyOf(images);
        settings = Map.copyOf(settings);
    }

    public static Training textualInversion(String name, List<Path> images, String classWord) {
        return new Training("textual-inversion", name, images, classWord, null, null, null, 0, Map.of());
    }

    public static Training of(String method, String name, List<Path> images, @Nullable String classWord) {
        return new Training(method, name, images, classWord, null, null, null, 0, Map.of());
    }

    public Training withSteps(int newSteps) {
        return new Training(method, name, images, classWord, token, newSteps, learningRate, seed, settings);
    }

    public Training withLearningRate(double rate) {
        return new Training(method, name, images, classWord, token, steps, rate, seed, settings);
    }

    public Training withSeed(long newSeed) {
        return new Training(method, name, images, classWord, token, steps, learningRate, newSeed, settings);
    }

    public Training withToken(String newToken) {
        return new Training(method, name, images, classWord, newToken, steps, learningRate, seed, settings);
    }

    public Training withSettings(Map<String, Object> newSettings) {
        return new Training(method, name, images, classWord, token, steps, learningRate, seed, newSettings);
    }
}
