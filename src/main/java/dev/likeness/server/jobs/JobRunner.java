package dev.likeness.server.jobs;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Runs one kind of job on the GPU worker thread. Runners are registered once, in a map kind → runner, when the
 * server is built.
 *
 * <p>Contract:
 * <ul>
 *   <li>{@link #prepare} runs on the request thread at submit time: check the spec (throw
 *       {@link dev.likeness.server.api.ApiException} with status 400 and the field name) and return it normalized,
 *       with every random choice fixed (e.g. the seed) so that a re-run after a restart does the same work.</li>
 *   <li>{@link #run} may be called again for the same job after a crash or restart, with
 *       {@link JobContext#resumed()} true. Long runners save checkpoints in {@link JobContext#workDir()}
 *       (atomically, e.g. with {@code AtomicFiles}) and continue from the last one.</li>
 *   <li>Check {@link JobContext#cancel()} between steps. On cancel or shutdown, save a checkpoint if cheap, then
 *       throw {@link dev.likeness.pipeline.CancelSignal.CancelledException}.</li>
 *   <li>Throw {@link JobFailure} for failures with a user-facing code. Other exceptions fail the job too; CUDA
 *       out-of-memory is recognised and reported as {@code GPU_OUT_OF_MEMORY}.</li>
 * </ul>
 */
public interface JobRunner {
    default ObjectNode prepare(ObjectNode spec) {
        return spec;
    }

    void run(JobContext context) throws Exception;
}
