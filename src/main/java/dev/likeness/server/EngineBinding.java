package dev.likeness.server;

import dev.likeness.server.jobs.JobRunner;
import dev.likeness.server.models.ModelProvider;
import java.util.Map;

/**
 * What the engine plugs into the server: how models load, and the runners for job kinds the server cannot run
 * by itself (personalize, retouch). {@code generate} and model switching are built in.
 */
public interface EngineBinding {
    ModelProvider models();

    /** Extra runners by job kind, built once at start with the shared services. Default: none. */
    default Map<String, JobRunner> runners(ServerServices services) {
        return Map.of();
    }

    /** Runners for {@code generate} modes besides txt2img/img2img (e.g. layout-retouch), by mode. Default: none. */
    default Map<String, JobRunner> generateModes(ServerServices services) {
        return Map.of();
    }
}
