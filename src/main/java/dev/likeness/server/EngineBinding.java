package dev.likeness.server;

import dev.likeness.server.concepts.ServerConcepts;
import dev.likeness.server.jobs.JobRunner;
import dev.likeness.server.models.ModelProvider;
import java.util.Map;

/**
 * Where a model comes from and which job kinds besides {@code generate} and model switching run: the CLI binds the
 * real engine (models from disk, the demo model when none is given, personalize and retouch runners); tests bind a
 * fake one. {@link LikenessServer#start} calls each method once, in this order, while it builds the server.
 */
public interface EngineBinding {
    /** How models load; a loaded model applies concepts by name from {@code concepts}. */
    ModelProvider models(ServerConcepts concepts);

    /** Extra runners by job kind, built with the shared services. Default: none. */
    default Map<String, JobRunner> runners(ServerServices services) {
        return Map.of();
    }

    /** Runners for {@code generate} modes besides txt2img/img2img (e.g. layout-retouch), by mode. Default: none. */
    default Map<String, JobRunner> generateModes(ServerServices services) {
        return Map.of();
    }
}
