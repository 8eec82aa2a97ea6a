package dev.likeness.engine.sched;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/** Makes a fresh {@link Scheduler} for one run, by sampler name or from the config's own {@code _class_name}. */
public final class Schedulers {
    /** The sampler names, in the order a UI lists them. */
    public static final List<String> NAMES = List.of("ddim", "pndm", "euler", "euler_a", "dpmpp_2m", "ddpm");

    private static final Map<String, String> CLASS_NAMES = Map.of(
            "ddim", "DDIMScheduler",
            "pndm", "PNDMScheduler",
            "euler", "EulerDiscreteScheduler",
            "euler_a", "EulerAncestralDiscreteScheduler",
            "dpmpp_2m", "DPMSolverMultistepScheduler",
            "ddpm", "DDPMScheduler");

    private Schedulers() {}

    /**
     * A scheduler for {@code steps} inference steps.
     *
     * <p>A sampler other than the config's own class takes the model's noise schedule, prediction type, steps
     * offset and zero-SNR setting, but its own default timestep spacing (leading for DDIM, PNDM and DDPM,
     * linspace for the Euler samplers and DPM++), as the reference runs do. A configured "trailing" spacing is
     * kept, since zero-terminal-SNR models depend on it.
     *
     * @param name one of {@link #NAMES}, or null for the sampler that matches {@code config.className()}
     * @throws IllegalArgumentException for an unknown name or class, a step count outside [1,
     *     num_train_timesteps], or config settings this engine does not implement
     */
    public static Scheduler create(String name, SchedulerConfig config, int steps) {
        Objects.requireNonNull(config, "config");
        String sampler = name != null ? normalize(name) : fromClassName(config.className());
        if (steps < 1 || steps > config.numTrainTimesteps()) {
            throw new IllegalArgumentException("steps must be in [1, " + config.numTrainTimesteps() + "], got "
                    + steps);
        }
        SchedulerConfig effective = config;
        boolean foreign = config.className() != null && !config.className().equals(CLASS_NAMES.get(sampler));
        if (foreign && config.timestepSpacing() != TimestepSpacing.TRAILING) {
            effective = config.withTimestepSpacing(null);
        }
        switch (sampler) {
            case "ddim":
                return DdimScheduler.create(effective, steps);
            case "pndm":
                return PndmScheduler.create(effective, steps);
            case "euler":
                return EulerScheduler.create(effective, steps);
            case "euler_a":
                return EulerAncestralScheduler.create(effective, steps);
            case "dpmpp_2m":
                return DpmSolverMultistepScheduler.create(effective, steps);
            case "ddpm":
                return DdpmScheduler.create(effective, steps);
            default:
                throw new AssertionError(sampler);
        }
    }

    /** The sampler name of a diffusers scheduler class, if this engine has it. */
    public static Optional<String> nameForClass(String className) {
        return CLASS_NAMES.entrySet().stream()
                .filter(e -> e.getValue().equals(className))
                .map(Map.Entry::getKey)
                .findFirst();
    }

    private static String normalize(String name) {
        String n = name.trim().toLowerCase(Locale.ROOT);
        if (!CLASS_NAMES.containsKey(n)) {
            throw new IllegalArgumentException("unknown sampler '" + name + "'; valid names: "
                    + String.join(", ", NAMES));
        }
        return n;
    }

    private static String fromClassName(String className) {
        if (className == null) {
            throw new IllegalArgumentException("the scheduler config has no _class_name; name a sampler ("
                    + String.join(", ", NAMES) + ")");
        }
        return nameForClass(className).orElseThrow(() -> new IllegalArgumentException("scheduler class '"
                + className + "' is not supported; name a sampler (" + String.join(", ", NAMES) + ")"));
    }
}
