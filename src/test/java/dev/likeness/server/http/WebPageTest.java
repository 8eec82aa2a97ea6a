package dev.likeness.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.likeness.server.LikenessServer;
import dev.likeness.server.support.RawHttp;
import dev.likeness.server.support.TestServers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The web page's gates: its files need no token, its login trades the token for an HttpOnly SameSite=Strict
 * session cookie, and a cookie passes the same Host and Origin checks as a bearer token.
 */
class WebPageTest {
    @TempDir
    Path dir;

    @Test
    void loginCookieAndTheBrowserGates() throws Exception {
        try (LikenessServer server = TestServers.start(TestServers.config(dir.resolve("data")), 1)) {
            RawHttp http = TestServers.client(server);
            RawHttp anonymous = new RawHttp(server.port(), null);
            RawHttp.Response page = anonymous.get("/");
            assertEquals(200, page.status());
            assertTrue(page.headers().get("content-type").startsWith("text/html"));
            assertTrue(page.headers().get("content-security-policy").contains("script-src 'self'"));
            assertTrue(page.text().contains("/ui/app.js"));
            assertEquals(200, anonymous.get("/ui/app.js").status());
            assertEquals(401, anonymous.get("/api/v1/jobs").status(), "the page's data needs a login");

            RawHttp.Response wrong = anonymous.postJson("/ui/login", "{\"token\":\"nope\"}");
            assertEquals(401, wrong.status());
            assertEquals("token", wrong.json().path("error").path("field").asText());
            assertTrue(wrong.headers().get("set-cookie") == null, "no cookie for a wrong token");

            RawHttp.Response login = anonymous.postJson("/ui/login", "{\"token\":\"" + server.token() + "\"}");
            assertEquals(204, login.status(), login.text());
            String setCookie = login.headers().get("set-cookie");
            assertTrue(setCookie.startsWith("likeness_session=") && setCookie.contains("HttpOnly")
                    && setCookie.contains("SameSite=Strict") && setCookie.contains("Path=/"), setCookie);
            assertTrue(!setCookie.contains(server.token()), "the cookie is a session, not the token");
            String cookie = setCookie.substring(0, setCookie.indexOf(';'));

            assertEquals(200, send(anonymous, "GET", "/api/v1/jobs", cookie, null).status(), "the cookie authorises");
            String self = "http://127.0.0.1:" + server.port();
            assertEquals(404, send(anonymous, "DELETE", "/api/v1/concepts/nobody", cookie, self).status(),
                    "the page's own origin passes (and the concept is unknown)");
            RawHttp.Response foreign = send(anonymous, "DELETE", "/api/v1/concepts/nobody", cookie,
                    "http://evil.example");
            assertEquals(403, foreign.status());
            assertEquals("FORBIDDEN_ORIGIN", foreign.errorCode());
            Map<String, String> crossSite = headers(server.port(), cookie);
            crossSite.put("Sec-Fetch-Site", "cross-site");
            assertEquals(403, anonymous.send("GET", "/api/v1/jobs", crossSite, null).status());
            Map<String, String> rebinding = headers(server.port(), cookie);
            rebinding.put("Host", "evil.example:" + server.port());
            assertEquals(403, anonymous.send("GET", "/api/v1/jobs", rebinding, null).status(), "DNS rebinding");
            assertEquals(401, send(anonymous, "GET", "/api/v1/jobs", "likeness_session=forged", null).status());

            Map<String, String> out = headers(server.port(), cookie);
            assertEquals(204, anonymous.send("POST", "/ui/logout", out, null).status());
            assertEquals(401, send(anonymous, "GET", "/api/v1/jobs", cookie, null).status(), "logged out");
            assertEquals(200, http.get("/api/v1/jobs").status(), "the bearer token still works");
        }
    }

    private static Map<String, String> headers(int port, String cookie) {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("Host", "127.0.0.1:" + port);
        h.put("Cookie", cookie);
        return h;
    }

    private static RawHttp.Response send(RawHttp http, String method, String path, String cookie, String origin)
            throws Exception {
        Map<String, String> h = headers(port(http), cookie);
        if (origin != null) {
            h.put("Origin", origin);
        }
        return http.send(method, path, h, method.equals("GET") ? null : "".getBytes(StandardCharsets.UTF_8));
    }

    private static int port(RawHttp http) {
        return Integer.parseInt(http.auth().get("Host").substring("127.0.0.1:".length()));
    }
}
