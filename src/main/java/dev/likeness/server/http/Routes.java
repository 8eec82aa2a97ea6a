package dev.likeness.server.http;

import io.javalin.http.Handler;
import io.javalin.http.HandlerType;
import java.util.List;

/** Every route of the HTTP API, in one place. {@code bridge-server/api/http-api.md} documents each of them. */
final class Routes {
    static final String BASE = "/api/v1";
    static final String HEALTH = BASE + "/health";
    /** The web page and its files and login: reachable without the token (they hold no data). */
    private static final java.util.Set<String> WEB_PUBLIC = java.util.Set.of("GET /", "GET /ui/app.js",
            "GET /ui/app.css", "POST /ui/login", "POST /ui/logout");

    /** One route: method, path (Javalin syntax) and handler. */
    record Route(HandlerType method, String path, Handler handler) {}

    private Routes() {}

    static List<Route> table(SystemHandlers system, ModelHandlers models, ConceptHandlers concepts,
            UploadHandlers uploads, JobHandlers jobs, JobEventStream events, WebHandlers web) {
        return List.of(
                new Route(HandlerType.GET, "/", web::page),
                new Route(HandlerType.GET, "/ui/app.js", web::script),
                new Route(HandlerType.GET, "/ui/app.css", web::style),
                new Route(HandlerType.POST, "/ui/login", web::login),
                new Route(HandlerType.POST, "/ui/logout", web::logout),

                new Route(HandlerType.GET, HEALTH, system::health),
                new Route(HandlerType.GET, BASE + "/version", system::version),
                new Route(HandlerType.GET, BASE + "/methods", system::methods),

                new Route(HandlerType.GET, BASE + "/models", models::list),
                new Route(HandlerType.GET, BASE + "/models/active", models::active),
                new Route(HandlerType.POST, BASE + "/models/load", models::load),

                new Route(HandlerType.GET, BASE + "/concepts", concepts::list),
                new Route(HandlerType.GET, BASE + "/concepts/{name}", concepts::get),
                new Route(HandlerType.POST, BASE + "/concepts/{name}/rename", concepts::rename),
                new Route(HandlerType.DELETE, BASE + "/concepts/{name}", concepts::delete),
                new Route(HandlerType.GET, BASE + "/concepts/{name}/export", concepts::export),
                new Route(HandlerType.GET, BASE + "/concepts/{name}/training", concepts::training),
                new Route(HandlerType.GET, BASE + "/concepts/{name}/samples", concepts::samples),
                new Route(HandlerType.GET, BASE + "/concepts/{name}/samples/{index}", concepts::sample),
                new Route(HandlerType.GET, BASE + "/concepts/{name}/thumbnail", concepts::thumbnail),

                new Route(HandlerType.POST, BASE + "/uploads", uploads::upload),

                new Route(HandlerType.POST, BASE + "/jobs/generate", jobs.submit("generate")),
                new Route(HandlerType.POST, BASE + "/jobs/personalize", jobs.submit("personalize")),
                new Route(HandlerType.POST, BASE + "/jobs/retouch", jobs.submit("retouch")),
                new Route(HandlerType.GET, BASE + "/jobs", jobs::list),
                new Route(HandlerType.GET, BASE + "/jobs/{id}", jobs::get),
                new Route(HandlerType.POST, BASE + "/jobs/{id}/cancel", jobs::cancel),
                new Route(HandlerType.GET, BASE + "/jobs/{id}/events", events::handle),
                new Route(HandlerType.GET, BASE + "/jobs/{id}/results/{index}", jobs::result),
                new Route(HandlerType.GET, BASE + "/jobs/{id}/preview", jobs::preview),
                new Route(HandlerType.GET, BASE + "/jobs/{id}/training", jobs::training));
    }

    /** Routes that need no token (they still pass the Host and Origin checks). */
    static boolean isPublic(String method, String path) {
        return method.equals("GET") && path.equals(HEALTH) || WEB_PUBLIC.contains(method + " " + path);
    }
}
