package dev.likeness.server.http;

import dev.likeness.server.api.ApiException;
import dev.likeness.server.security.HostCheck;
import dev.likeness.server.security.Tokens;
import dev.likeness.server.security.WebSessions;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.util.Locale;
import java.util.Set;
import java.util.logging.Logger;

/**
 * Runs before every route, in this order: Host allowlist (DNS rebinding) → Origin / Sec-Fetch-Site (CSRF from
 * browsers: only the configured origins and the server's own page) → no token in the URL → {@code Authorization:
 * Bearer <token>} (constant-time) or the web page's session cookie (HttpOnly, SameSite=Strict). Only
 * {@code GET /api/v1/health} and the page's own files and login skip the token, never the first two gates. The body
 * is not read by any gate.
 */
final class RequestGuard implements Handler {
    private static final Logger LOG = Logger.getLogger(RequestGuard.class.getName());
    private static final Set<String> SIMPLE_FORM_TYPES = Set.of("text/plain", "application/x-www-form-urlencoded",
            "multipart/form-data");
    private final HostCheck hosts;
    private final Set<String> allowedOrigins;
    private final String token;
    private final WebSessions sessions;

    RequestGuard(HostCheck hosts, Set<String> allowedOrigins, String token, WebSessions sessions) {
        this.hosts = hosts;
        this.allowedOrigins = Set.copyOf(allowedOrigins);
        this.token = token;
        this.sessions = sessions;
    }

    @Override
    public void handle(Context ctx) {
        if (!hosts.allows(ctx.header("Host"))) {
            LOG.warning("refused a request with Host header '" + printable(ctx.header("Host")) + "'");
            throw new ApiException(403, "FORBIDDEN_HOST", "the Host header names a host this server does not serve");
        }
        String origin = ctx.header("Origin");
        // the page at / is served by this host (already allowed above), so its own origin may call the API
        if (origin != null && !allowedOrigins.contains(origin) && !origin.equals("http://" + ctx.header("Host"))) {
            throw new ApiException(403, "FORBIDDEN_ORIGIN", "requests from web pages are not accepted");
        }
        String fetchSite = ctx.header("Sec-Fetch-Site");
        if (origin == null && fetchSite != null && fetchSite.equalsIgnoreCase("cross-site")) {
            throw new ApiException(403, "FORBIDDEN_ORIGIN", "cross-site requests are not accepted");
        }
        if (hasBody(ctx) && SIMPLE_FORM_TYPES.contains(mediaType(ctx.header("Content-Type")))) {
            throw new ApiException(415, "UNSUPPORTED_MEDIA_TYPE",
                    "send JSON as application/json and images as image/png");
        }
        if (ctx.queryParamMap().keySet().stream().anyMatch(k -> k.toLowerCase(Locale.ROOT).contains("token"))) {
            unauthorized(ctx, "the token must be sent in the Authorization header, never in the URL");
        }
        if (Routes.isPublic(ctx.method().name(), ctx.path())) {
            return;
        }
        String auth = ctx.header("Authorization");
        String session = ctx.cookie(WebSessions.COOKIE);
        if (auth == null && session != null && !session.isEmpty()) {
            if (!sessions.valid(session)) {
                unauthorized(ctx, "the web session has ended; log in again");
            }
            return;
        }
        if (auth == null || !auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
            unauthorized(ctx, "missing 'Authorization: Bearer <token>' header (the token is in runtime.json)");
        }
        if (!Tokens.matches(token, auth.substring(7).trim())) {
            unauthorized(ctx, "invalid token");
        }
    }

    static String mediaType(String contentType) {
        if (contentType == null) {
            return "";
        }
        int semi = contentType.indexOf(';');
        return (semi < 0 ? contentType : contentType.substring(0, semi)).trim().toLowerCase(Locale.ROOT);
    }

    private static boolean hasBody(Context ctx) {
        String m = ctx.method().name();
        return m.equals("POST") || m.equals("PUT") || m.equals("PATCH") || m.equals("DELETE");
    }

    private static void unauthorized(Context ctx, String message) {
        ctx.header("WWW-Authenticate", "Bearer realm=\"likeness\"");
        throw new ApiException(401, "UNAUTHORIZED", message);
    }

    private static String printable(String s) {
        if (s == null) {
            return "";
        }
        String clean = s.replaceAll("[^\\x20-\\x7e]", "?");
        return clean.length() > 100 ? clean.substring(0, 100) : clean;
    }
}
