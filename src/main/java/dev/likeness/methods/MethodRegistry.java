package dev.likeness.methods;

import com.fasterxml.jackson.databind.JsonNode;
import dev.likeness.methods.dreambooth.DreamBoothMethod;
import dev.likeness.methods.palp.PalpMethod;
import dev.likeness.methods.perfusion.PerfusionMethod;
import dev.likeness.methods.textualinversion.TextualInversionMethod;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Every personalization method, in one list: the CLI ({@code train}, {@code bench}), the server ({@code personalize}
 * jobs, {@code GET /api/v1/methods}) and, through that route, the editor plug-ins all read it.
 */
public final class MethodRegistry {
    private static final MethodRegistry STANDARD = new MethodRegistry(List.of(
            new TextualInversionMethod(),
            new DreamBoothMethod(),
            new PerfusionMethod(),
            new PalpMethod()));

    private final List<PersonalizationMethod<?>> methods;

    private MethodRegistry(List<PersonalizationMethod<?>> methods) {
        this.methods = List.copyOf(methods);
    }

    public static MethodRegistry standard() {
        return STANDARD;
    }

    /** This registry with one more method (tests register one of their own). */
    public MethodRegistry with(PersonalizationMethod<?> method) {
        List<PersonalizationMethod<?>> all = new ArrayList<>(methods);
        all.add(method);
        return new MethodRegistry(all);
    }

    public List<PersonalizationMethod<?>> all() {
        return methods;
    }

    /** The method of an id or alias (any case); an unknown name is an error that lists the known ones. */
    public PersonalizationMethod<?> find(String name) {
        String n = name == null ? "" : name.toLowerCase(Locale.ROOT).strip();
        for (PersonalizationMethod<?> m : methods) {
            if (m.id().equals(n) || m.aliases().contains(n)) {
                return m;
            }
        }
        List<String> known = new ArrayList<>();
        methods.forEach(m -> {
            known.add(m.id());
            known.addAll(m.aliases());
        });
        throw new IllegalArgumentException("unknown method '" + name + "' (" + String.join(", ", known) + ")");
    }

    /**
     * The one way a request is built, from the CLI and the server alike: the method's settings bound strictly from
     * {@code settings} over its defaults, and the loop's options from {@code loop} over the method's loop defaults.
     */
    public TrainingRequest request(String method, String name, List<java.nio.file.Path> images,
            List<java.nio.file.Path> masks, String token, String classWord, LoopSettings loop, long seed,
            int defaultCheckpointEvery, JsonNode settings, java.nio.file.Path classDir) {
        return build(find(method), name, images, masks, token, classWord, loop, seed, defaultCheckpointEvery, settings,
                classDir);
    }

    private static <S extends Record> TrainingRequest build(PersonalizationMethod<S> m, String name,
            List<java.nio.file.Path> images, List<java.nio.file.Path> masks, String token, String classWord,
            LoopSettings loop, long seed, int checkpointEvery, JsonNode given, java.nio.file.Path classDir) {
        S settings = MethodSettings.bind(m, given);
        TrainingRequest req = new TrainingRequest(m.id(), name, images, masks, token, classWord,
                loop.resolve(m.loopDefaults(settings), seed, checkpointEvery), settings, classDir);
        m.validate(req, settings);
        return req;
    }
}
