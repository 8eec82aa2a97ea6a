package dev.likeness.server.http;

import dev.likeness.methods.MethodRegistry;
import dev.likeness.server.api.MethodViews;
import dev.likeness.server.api.SystemViews;
import dev.likeness.server.api.Version;
import dev.likeness.server.jobs.JobKinds;
import dev.likeness.server.jobs.JobQueue;
import io.javalin.http.Context;

/** Health (no token) and version. */
final class SystemHandlers {
    private final JobQueue jobs;
    private final boolean py4j;

    SystemHandlers(JobQueue jobs, boolean py4j) {
        this.jobs = jobs;
        this.py4j = py4j;
    }

    void health(Context ctx) {
        ctx.json(new SystemViews.Health("ok", Version.server()));
    }

    /** The personalization methods, their settings and defaults (the plug-ins build their forms from it). */
    void methods(Context ctx) {
        ctx.json(MethodViews.of(MethodRegistry.standard()));
    }

    void version(Context ctx) {
        ctx.json(new SystemViews.VersionInfo(Version.server(), Version.API,
                JobKinds.PUBLIC.stream().filter(jobs::hasRunner).toList(), py4j));
    }
}
