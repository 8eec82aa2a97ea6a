package dev.likeness.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.likeness.server.LikenessServer;
import dev.likeness.server.support.RawHttp;
import dev.likeness.server.support.TestServers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 17's "also" list, over HTTP: an escaping concept link is not listed, job errors carry no Java class names,
 * an invalid concept name in a job spec is INVALID_NAME (as documented), and Jetty's own 400 for a malformed Host
 * header is the API's JSON error.
 */
class ProbeFindingsTest {
    @TempDir
    static Path dir;
    static LikenessServer server;
    static RawHttp http;

    @BeforeAll
    static void start() throws Exception {
        server = TestServers.start(TestServers.config(dir), 0);
        http = TestServers.client(server);
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    @Test
    void aConceptLinkThatLeavesTheLibraryIsNotListed() throws Exception {
        Path outside = dir.resolve("elsewhere");
        Files.createDirectories(outside);
        Files.writeString(outside.resolve("concept.json"), "{\"name\":\"escaped\",\"method\":\"textual-inversion\"}");
        Files.createSymbolicLink(dir.resolve("concepts/escaped"), outside);
        JsonNode list = http.get("/api/v1/concepts").json().get("concepts");
        for (JsonNode c : list) {
            assertFalse(c.get("name").asText().equals("escaped"), list.toString());
        }
        assertEquals(400, http.get("/api/v1/concepts/escaped").status());
    }

    @Test
    void jobErrorsShowAMessageAndACodeButNoJavaClass() throws Exception {
        String id = http.postJson("/api/v1/jobs/generate", "{\"prompt\":\"bad weights\",\"steps\":1,\"width\":8,"
                + "\"height\":8}").json().get("id").asText();
        JsonNode job = TestServers.awaitFinished(http, id, 20_000);
        assertEquals("FAILED", job.get("state").asText());
        JsonNode error = job.get("error");
        assertEquals("JOB_FAILED", error.get("code").asText());
        assertEquals("demo.safetensors: invalid safetensors header", error.get("message").asText());
        assertFalse(job.toString().contains("Exception"), job.toString());
    }

    @Test
    void anInvalidConceptNameInAJobSpecIsInvalidName() throws Exception {
        RawHttp.Response r = http.postJson("/api/v1/jobs/generate", "{\"prompt\":\"x\",\"concepts\":[\"../Etc\"]}");
        assertEquals(400, r.status(), r.text());
        assertEquals("INVALID_NAME", r.errorCode());
        assertEquals("concepts[0]", r.json().path("error").path("field").asText());
        RawHttp.Response missing = http.postJson("/api/v1/jobs/generate", "{\"prompt\":\"x\",\"concepts\":[\"nope\"]}");
        assertEquals("UNKNOWN_CONCEPT", missing.errorCode());
        RawHttp.Response retouch = http.postJson("/api/v1/jobs/retouch", "{\"prompt\":\"x\",\"concept\":\"A/B\","
                + "\"images\":[\"up-000000000000000000000000\"]}");
        if (retouch.status() != 503) { // the fake engine may have no retouch runner
            assertEquals("INVALID_NAME", retouch.errorCode(), retouch.text());
        }
    }

    @Test
    void jettysOwn400ForABadHostIsJson() throws Exception {
        for (String host : new String[] {"127.0.0.1:notaport", "[::1"}) {
            RawHttp.Response r = http.send("GET", "/api/v1/health", Map.of("Host", host), null);
            assertEquals(400, r.status(), host + ": " + r.text());
            assertTrue(r.headers().getOrDefault("content-type", "").startsWith("application/json"), r.headers()
                    .toString());
            assertEquals("INVALID_REQUEST", r.errorCode(), r.text());
            assertFalse(r.text().contains("<html"), r.text());
        }
    }
}
