package dev.likeness.server.http;

import dev.likeness.server.api.ApiException;
import dev.likeness.server.api.ErrorBody;
import dev.likeness.server.concepts.ServerConcepts;
import dev.likeness.server.config.ServerConfig;
import dev.likeness.server.jobs.JobQueue;
import dev.likeness.server.models.ActiveModel;
import dev.likeness.server.models.ModelProvider;
import dev.likeness.server.security.HostCheck;
import dev.likeness.server.security.WebSessions;
import dev.likeness.server.uploads.UploadStore;
import dev.likeness.util.Json;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.json.JavalinJackson;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/** The Javalin server: guard, routes, and the mapping of every failure to the JSON error shape. */
public final class HttpApi implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(HttpApi.class.getName());
    private final Javalin app;
    private final JobEventStream events;

    /** The shared services the routes use. */
    public record Services(JobQueue jobs, ServerConcepts concepts, UploadStore uploads, ModelProvider models,
            ActiveModel activeModel, boolean py4j) {}

    public HttpApi(ServerConfig config, String token, Services s) {
        long maxJson = config.limits().maxJsonBytes();
        WebSessions sessions = new WebSessions();
        this.events = new JobEventStream(s.jobs(), config.limits().maxEventStreams(), config.limits().eventStreamIdle());
        List<Routes.Route> routes = Routes.table(new SystemHandlers(s.jobs(), s.py4j()),
                new ModelHandlers(s.models(), s.activeModel(), config.modelsDir(), s.jobs(), maxJson),
                new ConceptHandlers(s.concepts(), maxJson),
                new UploadHandlers(s.uploads(), config.limits().maxUploadBytes()),
                new JobHandlers(s.jobs(), maxJson),
                events, new WebHandlers(token, sessions, maxJson));
        RequestGuard guard = new RequestGuard(new HostCheck(config.host(), config.allowedHosts()),
                config.allowedOrigins(), token, sessions);
        this.app = Javalin.create(c -> {
            c.showJavalinBanner = false;
            c.startupWatcherEnabled = false;
            c.jetty.defaultHost = config.host();
            c.jetty.defaultPort = config.port();
            c.http.maxRequestSize = Math.max(maxJson, config.limits().maxUploadBytes());
            c.http.prefer405over404 = true;
            c.jetty.modifyServer(server -> server.setErrorHandler(new JsonErrorHandler()));
            c.jsonMapper(new JavalinJackson(Json.MAPPER, false));
        });
        app.before(guard);
        for (Routes.Route r : routes) {
            app.addHttpHandler(r.method(), r.path(), r.handler());
        }
        app.exception(ApiException.class, HttpApi::apiError);
        app.exception(HttpResponseException.class, (e, ctx) -> write(ctx, e.getStatus(), e.getStatus() == 404
                ? noSuchRoute(ctx).body() : new ApiException(e.getStatus(), "HTTP_" + e.getStatus(), e.getMessage()).body()));
        app.exception(Exception.class, (e, ctx) -> {
            LOG.log(Level.WARNING, "unhandled error on " + ctx.method() + " " + ctx.path(), e);
            apiError(new ApiException(500, "INTERNAL", "internal server error"), ctx);
        });
        app.error(404, ctx -> { // a 404 the API wrote itself (unknown job, no preview) keeps its code and message
            String type = ctx.res().getContentType(); // ctx.contentType() would be the request's
            if (type == null || !type.startsWith("application/json")) {
                write(ctx, 404, noSuchRoute(ctx).body());
            }
        });
        app.error(405, ctx -> write(ctx, 405, new ApiException(405, "METHOD_NOT_ALLOWED",
                ctx.method() + " is not allowed on " + ctx.path()).body()));
    }

    public HttpApi start() {
        app.start();
        return this;
    }

    public int port() {
        return app.port();
    }

    @Override
    public void close() {
        events.close();
        app.stop();
    }

    private static ApiException noSuchRoute(Context ctx) {
        return new ApiException(404, "NOT_FOUND", "no such route: " + ctx.method() + " " + ctx.path());
    }

    private static void apiError(ApiException e, Context ctx) {
        if (e.status() == 429 || e.code().equals("OUT_OF_MEMORY")) {
            ctx.header("Retry-After", "5");
        }
        write(ctx, e.status(), e.body());
    }

    private static void write(Context ctx, int status, ErrorBody body) {
        ctx.status(status).contentType("application/json").result(Json.write(body));
    }
}
