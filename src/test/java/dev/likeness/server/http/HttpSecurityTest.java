package dev.likeness.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.likeness.server.LikenessServer;
import dev.likeness.server.security.RuntimeFile;
import dev.likeness.server.support.RawHttp;
import dev.likeness.server.support.TestServers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The security checklist's network/browser/auth rows (N3-N16), against a real server on a loopback port. */
class HttpSecurityTest {
    @TempDir
    static Path dir;
    static LikenessServer server;
    static RawHttp http;

    @BeforeAll
    static void start() throws Exception {
        server = TestServers.start(TestServers.config(dir).withAllowedOrigins(Set.of("http://localhost:8080")), 0);
        http = TestServers.client(server);
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    private Map<String, String> headers(String... kv) {
        Map<String, String> h = http.auth();
        for (int i = 0; i < kv.length; i += 2) {
            if (kv[i + 1] == null) {
                h.remove(kv[i]);
            } else {
                h.put(kv[i], kv[i + 1]);
            }
        }
        return h;
    }

    @Test
    void wrongHostIsRefusedEvenWithTheToken() throws Exception {
        RawHttp.Response r = http.send("GET", "/api/v1/jobs", headers("Host", "evil.example:" + server.port()), null);
        assertEquals(403, r.status());
        assertEquals("FORBIDDEN_HOST", r.errorCode());
        assertEquals(403, http.send("GET", "/api/v1/health", headers("Host", "evil.example"), null).status());
        assertEquals(403, http.send("GET", "/api/v1/health", headers("Host", "127.0.0.1.evil.example"), null).status());
    }

    @Test
    void loopbackHostNamesAreAccepted() throws Exception {
        for (String host : new String[] {"127.0.0.1:" + server.port(), "localhost:" + server.port(),
                "[::1]:" + server.port(), "LOCALHOST"}) {
            assertEquals(200, http.send("GET", "/api/v1/version", headers("Host", host), null).status(), host);
        }
    }

    @Test
    void foreignOriginIsRefusedWithoutCorsHeaders() throws Exception {
        RawHttp.Response r = http.send("POST", "/api/v1/jobs/generate", headers("Origin", "https://evil.example",
                "Content-Type", "application/json"), "{\"prompt\":\"x\"}".getBytes());
        assertEquals(403, r.status());
        assertEquals("FORBIDDEN_ORIGIN", r.errorCode());
        assertTrue(r.headers().keySet().stream().noneMatch(k -> k.startsWith("access-control-")), r.headers().toString());
    }

    @Test
    void preflightFromForeignOriginIsRefused() throws Exception {
        RawHttp.Response r = http.send("OPTIONS", "/api/v1/jobs/generate", headers("Origin", "https://evil.example",
                "Access-Control-Request-Method", "POST", "Authorization", null), null);
        assertEquals(403, r.status());
        assertFalse(r.headers().containsKey("access-control-allow-origin"));
    }

    @Test
    void crossSiteFetchWithoutOriginIsRefused() throws Exception {
        RawHttp.Response r = http.send("GET", "/api/v1/jobs", headers("Sec-Fetch-Site", "cross-site"), null);
        assertEquals(403, r.status());
    }

    @Test
    void allowedOriginMatchesExactlyNotByPrefix() throws Exception {
        assertEquals(200, http.send("GET", "/api/v1/version", headers("Origin", "http://localhost:8080"), null)
                .status());
        assertEquals(403, http.send("GET", "/api/v1/version", headers("Origin", "http://localhost:8080.evil.com"),
                null).status());
        assertEquals(403, http.send("GET", "/api/v1/version", headers("Origin", "http://localhost:80"), null)
                .status());
    }

    @Test
    void simpleFormContentTypesAreRefusedOnMutatingRoutes() throws Exception {
        for (String type : new String[] {"text/plain", "application/x-www-form-urlencoded",
                "multipart/form-data; boundary=x"}) {
            RawHttp.Response r = http.send("POST", "/api/v1/jobs/generate", headers("Content-Type", type),
                    "prompt=x".getBytes());
            assertEquals(415, r.status(), type);
        }
    }

    @Test
    void missingOrWrongTokenIs401() throws Exception {
        RawHttp.Response none = http.send("GET", "/api/v1/jobs", headers("Authorization", null), null);
        assertEquals(401, none.status());
        assertTrue(none.headers().get("www-authenticate").startsWith("Bearer"));
        assertEquals("UNAUTHORIZED", none.errorCode());
        String token = server.token();
        char last = token.charAt(token.length() - 1);
        String oneCharChanged = token.substring(0, token.length() - 1) + (last == 'A' ? 'B' : 'A');
        for (String auth : new String[] {"Bearer wrong", "Bearer " + oneCharChanged, "Bearer ", "Basic " + token,
                token}) {
            assertEquals(401, http.send("GET", "/api/v1/jobs", headers("Authorization", auth), null).status(), auth);
        }
    }

    @Test
    void tokenInTheUrlIsRefused() throws Exception {
        RawHttp.Response r = http.send("GET", "/api/v1/jobs?token=" + server.token(),
                headers("Authorization", null), null);
        assertEquals(401, r.status());
        assertEquals(401, http.send("GET", "/api/v1/jobs?access_token=" + server.token(), headers(), null).status());
    }

    @Test
    void healthNeedsNoTokenAndSaysLittle() throws Exception {
        RawHttp.Response r = http.send("GET", "/api/v1/health", headers("Authorization", null), null);
        assertEquals(200, r.status());
        JsonNode body = r.json();
        assertEquals(Set.of("status", "version"), Set.copyOf(iterToList(body.fieldNames())));
        assertEquals("ok", body.get("status").asText());
    }

    @Test
    void progressStreamWithForeignOriginIsRefused() throws Exception {
        RawHttp.Response r = http.send("GET", "/api/v1/jobs/j000001-abcd/events", headers("Origin",
                "https://evil.example", "Accept", "text/event-stream"), null);
        assertEquals(403, r.status());
    }

    @Test
    void unknownRoutesAndMethodsAnswerJson() throws Exception {
        RawHttp.Response r = http.get("/api/v1/nope");
        assertEquals(404, r.status());
        assertEquals("NOT_FOUND", r.errorCode());
        RawHttp.Response m = http.send("PUT", "/api/v1/jobs", headers("Content-Type", "application/json"),
                "{}".getBytes());
        assertEquals(405, m.status());
        assertEquals("METHOD_NOT_ALLOWED", m.errorCode());
    }

    @Test
    void runtimeFileIsOwnerOnlyAndHoldsPortAndToken() throws Exception {
        Path file = server.config().runtimeFile();
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        RuntimeFile.Content c = RuntimeFile.read(file);
        assertEquals(server.port(), c.port());
        assertEquals(server.token(), c.token());
        assertEquals(43, c.token().length()); // 32 bytes, base64url
    }

    @Test
    void tokenChangesAcrossRestartsAndRuntimeFileIsRemovedOnStop(@TempDir Path other) throws Exception {
        LikenessServer a = TestServers.start(TestServers.config(other), 0);
        String first = a.token();
        a.close();
        assertFalse(Files.exists(a.config().runtimeFile()));
        LikenessServer b = TestServers.start(TestServers.config(other), 0);
        try {
            assertNotEquals(first, b.token());
            assertEquals(b.token(), RuntimeFile.read(b.config().runtimeFile()).token());
        } finally {
            b.close();
        }
    }

    @Test
    void tokenNeverAppearsInErrorsOrJobRecords() throws Exception {
        String token = server.token();
        RawHttp.Response bad = http.send("GET", "/api/v1/jobs?token=" + token, headers(), null);
        assertFalse(bad.text().contains(token));
        RawHttp.Response job = http.postJson("/api/v1/jobs/generate", "{\"prompt\":\"" + token.substring(0, 5)
                + " is fine\",\"steps\":2,\"width\":64,\"height\":64,\"seed\":1}");
        assertEquals(202, job.status(), job.text());
        TestServers.awaitFinished(http, job.json().get("id").asText(), 10_000);
        try (var files = Files.walk(dir.resolve("jobs"))) {
            for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                if (!f.toString().endsWith(".png")) {
                    assertFalse(Files.readString(f).contains(token), f.toString());
                }
            }
        }
    }

    private static java.util.List<String> iterToList(java.util.Iterator<String> it) {
        java.util.List<String> out = new java.util.ArrayList<>();
        it.forEachRemaining(out::add);
        return out;
    }
}
