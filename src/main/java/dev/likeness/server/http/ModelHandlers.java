package dev.likeness.server.http;

import dev.likeness.server.api.JobView;
import dev.likeness.server.api.ModelViews;
import dev.likeness.server.jobs.Job;
import dev.likeness.server.jobs.JobKinds;
import dev.likeness.server.jobs.JobQueue;
import dev.likeness.server.models.ActiveModel;
import dev.likeness.server.models.ModelProvider;
import io.javalin.http.Context;
import java.nio.file.Path;

/** Model list, the served model, and switching (as a job, so it waits for the running one). */
final class ModelHandlers {
    private final ModelProvider provider;
    private final ActiveModel active;
    private final Path modelsDir;
    private final JobQueue jobs;
    private final long maxJson;

    ModelHandlers(ModelProvider provider, ActiveModel active, Path modelsDir, JobQueue jobs, long maxJson) {
        this.provider = provider;
        this.active = active;
        this.modelsDir = modelsDir;
        this.jobs = jobs;
        this.maxJson = maxJson;
    }

    void list(Context ctx) {
        ctx.json(ModelViews.listing(provider, active, modelsDir));
    }

    void active(Context ctx) {
        ctx.json(ModelViews.active(active));
    }

    void load(Context ctx) {
        Job job = jobs.submit(JobKinds.LOAD_MODEL, Bodies.json(ctx, maxJson));
        ctx.status(202).header("Location", "/api/v1/jobs/" + job.id())
                .json(JobView.of(job.snapshot(), jobs.results(job)));
    }
}
