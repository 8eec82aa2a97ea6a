package dev.likeness.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.likeness.server.api.ApiException;
import dev.likeness.server.security.Tokens;
import dev.likeness.server.security.WebSessions;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * The web page at {@code /}: three static files from the jar (no CDN, nothing to build) and the login that turns
 * the token into a session cookie. The page reads everything else from the API with that cookie.
 */
final class WebHandlers {
    private static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
            + " connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
    private static final Map<String, String> ASSETS = Map.of("index.html", "text/html; charset=utf-8",
            "app.js", "text/javascript; charset=utf-8", "app.css", "text/css; charset=utf-8");

    private final String token;
    private final WebSessions sessions;
    private final long maxJson;

    WebHandlers(String token, WebSessions sessions, long maxJson) {
        this.token = token;
        this.sessions = sessions;
        this.maxJson = maxJson;
    }

    void page(Context ctx) {
        serve(ctx, "index.html");
    }

    void script(Context ctx) {
        serve(ctx, "app.js");
    }

    void style(Context ctx) {
        serve(ctx, "app.css");
    }

    /** {@code {"token": "..."}} → 204 with the session cookie; a wrong token is 401. */
    void login(Context ctx) {
        JsonNode body = Bodies.json(ctx, maxJson);
        JsonNode given = body.get("token");
        if (given == null || !given.isTextual() || !Tokens.matches(token, given.asText().trim())) {
            throw new ApiException(401, "UNAUTHORIZED", "that is not this server's token (it is in runtime.json)",
                    "token");
        }
        ctx.header("Set-Cookie", WebSessions.cookie(sessions.open()));
        ctx.header("Cache-Control", "no-store");
        ctx.status(204);
    }

    void logout(Context ctx) {
        String id = ctx.cookie(WebSessions.COOKIE);
        if (id != null) {
            sessions.close(id);
        }
        ctx.header("Set-Cookie", WebSessions.cookie(null));
        ctx.status(204);
    }

    private static void serve(Context ctx, String name) {
        try (InputStream in = WebHandlers.class.getResourceAsStream("/dev/likeness/web/" + name)) {
            if (in == null) {
                throw new ApiException(404, "NOT_FOUND", "the web page is missing from this build");
            }
            ctx.header("Content-Security-Policy", CSP).header("X-Content-Type-Options", "nosniff")
                    .header("Referrer-Policy", "no-referrer").header("X-Frame-Options", "DENY")
                    .header("Cache-Control", "no-cache").contentType(ASSETS.get(name)).result(in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
