package dev.likeness.server.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.likeness.server.jobs.Job;
import dev.likeness.server.jobs.JobError;
import dev.likeness.server.jobs.JobResults;
import dev.likeness.server.jobs.JobProgress;
import java.util.List;
import java.util.Map;

/** A job as clients see it. Result images are fetched from {@code results[i].url}. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record JobView(String id, long seq, String kind, String state, String created, String started,
        String finished, JobProgress progress, JobError error, int attempts, List<ResultView> results,
        Map<String, Object> output) {

    public record ResultView(int index, String url, Map<String, Object> metadata) {}

    public static JobView of(Job.Snapshot s, JobResults results) {
        List<ResultView> views = results.list().stream()
                .map(r -> new ResultView(r.index(), "/api/v1/jobs/" + s.id() + "/results/" + r.index(), r.metadata()))
                .toList();
        return new JobView(s.id(), s.seq(), s.kind(), s.state().name(), str(s.created()), str(s.started()),
                str(s.finished()), s.progress(), s.error(), s.attempts(), views, results.output());
    }

    /** Without results: for the progress stream and lists. */
    public static JobView brief(Job.Snapshot s) {
        return new JobView(s.id(), s.seq(), s.kind(), s.state().name(), str(s.created()), str(s.started()),
                str(s.finished()), s.progress(), s.error(), s.attempts(), null, null);
    }

    private static String str(Object o) {
        return o == null ? null : o.toString();
    }
}
