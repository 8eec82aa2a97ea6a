package dev.likeness.server.http;

import dev.likeness.pipeline.preview.PreviewFrame;
import dev.likeness.server.api.ApiException;
import dev.likeness.server.api.JobView;
import dev.likeness.server.jobs.Job;
import dev.likeness.server.jobs.JobQueue;
import io.javalin.http.Context;
import java.util.Map;

/** Submit, list, status, cancel and result images. */
final class JobHandlers {
    private final JobQueue jobs;
    private final long maxJson;

    JobHandlers(JobQueue jobs, long maxJson) {
        this.jobs = jobs;
        this.maxJson = maxJson;
    }

    /** A submit handler for one job kind. */
    io.javalin.http.Handler submit(String kind) {
        return ctx -> {
            jobs.requireRunner(kind); // before reading the body: a 503 does not depend on it
            Job job = jobs.submit(kind, Bodies.json(ctx, maxJson), Submitters.of(ctx.header(Submitters.HEADER)));
            ctx.status(202).header("Location", "/api/v1/jobs/" + job.id())
                    .json(JobView.of(job.snapshot(), jobs.results(job)));
        };
    }

    void list(Context ctx) {
        ctx.json(Map.of("jobs", jobs.list().stream().map(j -> JobView.brief(j.snapshot())).toList()));
    }

    void get(Context ctx) {
        Job job = jobs.get(ctx.pathParam("id"));
        ctx.json(JobView.of(job.snapshot(), jobs.results(job)));
    }

    void cancel(Context ctx) {
        Job job = jobs.cancel(ctx.pathParam("id"));
        ctx.json(JobView.of(job.snapshot(), jobs.results(job)));
    }

    void result(Context ctx) {
        Job job = jobs.get(ctx.pathParam("id"));
        int index;
        try {
            index = Integer.parseInt(ctx.pathParam("index"));
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("index", "the result index must be a number");
        }
        ctx.contentType("image/png").result(jobs.results(job).png(index));
    }

    /** A personalize job's loss per step so far. */
    void training(Context ctx) throws java.io.IOException {
        ctx.json(java.util.Map.of("steps", jobs.trainingHistory(jobs.get(ctx.pathParam("id")))));
    }

    /** The latest live preview of a job as a PNG (its step, total and image index in headers). */
    void preview(Context ctx) {
        PreviewFrame frame = jobs.latestPreview(jobs.get(ctx.pathParam("id")));
        ctx.header("X-Preview-Step", Integer.toString(frame.step()))
                .header("X-Preview-Total", Integer.toString(frame.total()))
                .header("X-Preview-Image", Integer.toString(frame.image()))
                .header("Cache-Control", "no-store")
                .contentType("image/png").result(frame.png());
    }
}
