package dev.likeness.server.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.likeness.pipeline.preview.PreviewFrame;
import dev.likeness.server.api.ApiException;
import dev.likeness.train.TrainingHistory;
import java.nio.file.Files;
import java.nio.file.Path;
import dev.likeness.train.TrainingStep;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * What the HTTP and Py4J fronts need of the job queue. {@link JobService} is the embedded queue (a journal, one
 * worker in this process); {@code dev.likeness.server.store.SharedJobQueue} is the studio one on PostgreSQL, where
 * any number of fronts and workers share the jobs.
 */
public interface JobQueue {
    /** The runners of this build, by job kind (submits are checked with them). */
    Map<String, JobRunner> runners();

    default boolean hasRunner(String kind) {
        return runners().containsKey(kind);
    }

    /** 503 when this build has no runner for the kind (e.g. personalization before its engine exists). */
    default JobRunner requireRunner(String kind) {
        JobRunner runner = runners().get(kind);
        if (runner == null) {
            throw new ApiException(503, "NO_RUNNER", "this server cannot run '" + kind + "' jobs yet: no engine for "
                    + "that job kind is installed in this build");
        }
        return runner;
    }

    /** A copy of the submitted spec to normalize; 400 unless it is a JSON object. */
    static ObjectNode specCopy(JsonNode rawSpec) {
        if (!(rawSpec instanceof ObjectNode)) {
            throw ApiException.badRequest(null, "the job spec must be a JSON object");
        }
        return ((ObjectNode) rawSpec).deepCopy();
    }

    /** {@code submitter} names who asked (the {@code X-Likeness-Submitter} header); null when nobody said. */
    Job submit(String kind, JsonNode rawSpec, String submitter);

    default Job submit(String kind, JsonNode rawSpec) {
        return submit(kind, rawSpec, null);
    }

    Job get(String rawId);

    List<Job> list();

    Job cancel(String rawId);

    /** The job's latest live preview; 404 NO_PREVIEW while it has none (not asked for, not started, or restarted). */
    default PreviewFrame latestPreview(Job job) {
        PreviewFrame frame = job.snapshot().preview();
        if (frame == null) {
            throw new ApiException(404, "NO_PREVIEW", "job '" + job.id() + "' has no preview (yet): ask for one with"
                    + " \"preview\": true in a generate request; a personalize job shows its samples");
        }
        return frame;
    }

    /**
     * The loss history of a personalize job so far (every step of the run, a resumed run's earlier steps included);
     * 404 NO_HISTORY for other jobs and before the first step.
     */
    default List<TrainingStep> trainingHistory(Job job) throws IOException {
        Path file = PersonalizeRunner.history(job.dir().resolve("work"));
        if (!job.kind().equals("personalize") || !Files.isRegularFile(file)) {
            throw new ApiException(404, "NO_HISTORY", "job '" + job.id() + "' has no training history"
                    + (job.kind().equals("personalize") ? " yet" : ": only personalize jobs train"));
        }
        return TrainingHistory.read(file);
    }

    /** The job's results folder. */
    default JobResults results(Job job) {
        return new JobResults(job.dir().resolve("results"));
    }

    void start();

    void beginStop();

    /** Stops taking and running jobs; false when a running job did not stop within {@code grace}. */
    boolean stop(Duration grace) throws IOException;
}
