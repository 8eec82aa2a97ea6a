package dev.likeness.server.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.likeness.server.LikenessServer;
import dev.likeness.server.support.FakeEngine;
import dev.likeness.server.support.RawHttp;
import dev.likeness.server.support.ServerProcesses;
import dev.likeness.server.support.TestServers;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A front without a worker shows, previews and cancels a job that runs on another front's local worker. */
class StudioFrontTest {
    private static final String SHARED_TOKEN = "0123456789abcdef0123456789abcdef-studio";
    @TempDir
    Path dir;

    private LikenessServer front(StoreUrl url, String node, boolean localWorker) throws Exception {
        StoreSettings settings = PgTestServer.settings(url, node, dir.resolve("shared"),
                StoreSettings.DEFAULT_LEASE);
        return LikenessServer.start(TestServers.config(dir.resolve(node))
                .withConceptsDir(dir.resolve("shared").resolve("concepts")), new FakeEngine(40),
                new LikenessServer.Studio(settings, localWorker, "demo", SHARED_TOKEN));
    }

    @Test
    void aJobNeedingMoreMemoryThanAnyWorkerHasWaitsAndABadAmountIsRefused() throws Exception {
        StoreUrl url = PgTestServer.get().createDatabase("memory");
        try (LikenessServer server = front(url, "a", true)) { // its worker has 4 GB (PgTestServer.settings)
            RawHttp http = TestServers.client(server);
            RawHttp.Response bad = http.postJson("/api/v1/jobs/generate",
                    "{\"prompt\":\"x\",\"minMemoryGb\":\"lots\"}");
            assertEquals(400, bad.status());
            assertTrue(bad.text().contains("minMemoryGb"), bad.text());
            String big = http.postJson("/api/v1/jobs/generate", "{\"prompt\":\"x\",\"steps\":1,\"width\":8,"
                    + "\"height\":8,\"minMemoryGb\":80}").json().get("id").asText();
            String small = http.postJson("/api/v1/jobs/generate", "{\"prompt\":\"x\",\"steps\":1,\"width\":8,"
                    + "\"height\":8,\"minMemoryGb\":2}").json().get("id").asText();
            assertEquals("SUCCEEDED", TestServers.awaitFinished(http, small, 20_000).get("state").asText());
            assertEquals("QUEUED", http.get("/api/v1/jobs/" + big).json().get("state").asText());
        }
    }

    @Test
    void aJobNamingAModelMovesItsWorkerToItAndTheWorkerSaysSo() throws Exception {
        StoreUrl url = PgTestServer.get().createDatabase("models");
        java.nio.file.Files.createDirectories(dir.resolve("a/models"));
        java.nio.file.Files.write(dir.resolve("a/models/tiny.safetensors"), new byte[16]);
        try (LikenessServer server = front(url, "a", true);
                Store store = Store.open(PgTestServer.settings(url, "check", null, StoreSettings.DEFAULT_LEASE))) {
            RawHttp http = TestServers.client(server);
            String id = http.postJson("/api/v1/jobs/generate", "{\"prompt\":\"x\",\"steps\":1,\"width\":8,"
                    + "\"height\":8,\"model\":\"tiny.safetensors\"}").json().get("id").asText();
            JsonNode done = TestServers.awaitFinished(http, id, 20_000);
            assertEquals("SUCCEEDED", done.get("state").asText(), done.toString());
            assertEquals("tiny.safetensors", done.get("results").get(0).get("metadata").path("model").asText(),
                    done.toString());
            assertEquals("tiny.safetensors", store.workers().live(Duration.ofSeconds(30)).get("a").model());
            RawHttp.Response loading = http.postJson("/api/v1/models/load", "{\"model\":\"demo\"}");
            assertEquals(202, loading.status(), loading.text());
            String load = loading.json().get("id").asText();
            assertEquals("SUCCEEDED", TestServers.awaitFinished(http, load, 20_000).get("state").asText());
            Thread.sleep(1500); // the worker re-advertises every second
            assertEquals("demo", store.workers().live(Duration.ofSeconds(30)).get("a").model());
        }
    }

    @Test
    void aSharedTokenShorterThan32CharactersIsRefused() {
        StoreSettings settings = PgTestServer.settings(new StoreUrl("u", "h", 1, "d"), "n", null,
                Duration.ofSeconds(6));
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> new LikenessServer.Studio(settings, false, "demo", "short"));
        assertTrue(e.getMessage().contains("at least 32"), e.getMessage());
    }

    @Test
    void previewsAndCancelTravelThroughTheStore() throws Exception {
        StoreUrl url = PgTestServer.get().createDatabase("front");
        try (LikenessServer withWorker = front(url, "a", true); LikenessServer bare = front(url, "b", false)) {
            RawHttp b = TestServers.client(bare);
            RawHttp.Response r = b.postJson("/api/v1/jobs/generate", "{\"prompt\":\"slow\",\"steps\":200,"
                    + "\"width\":32,\"height\":32,\"preview\":true}");
            assertEquals(202, r.status(), r.text());
            String id = r.json().get("id").asText();
            ServerProcesses.waitForStep(b, id, 5, 30_000);
            long deadline = System.currentTimeMillis() + 10_000;
            RawHttp.Response preview;
            while ((preview = b.get("/api/v1/jobs/" + id + "/preview")).status() == 404
                    && System.currentTimeMillis() < deadline) {
                Thread.sleep(20);
            }
            assertEquals(200, preview.status(), preview.text());
            assertEquals("image/png", preview.headers().get("content-type"));
            long asked = System.currentTimeMillis();
            assertEquals(200, b.postJson("/api/v1/jobs/" + id + "/cancel", "{}").status());
            JsonNode done = TestServers.awaitFinished(b, id, 10_000);
            assertEquals("CANCELLED", done.get("state").asText(), done.toString());
            assertTrue(System.currentTimeMillis() - asked < 3_000, "the cancel waited for a renewal of the 30 s lease");
            assertTrue(done.get("progress").get("step").asInt() < 200);
            RawHttp a = new RawHttp(withWorker.port(), SHARED_TOKEN); // one token for every front of the studio
            JsonNode seenByA = a.get("/api/v1/jobs/" + id).json();
            assertEquals("CANCELLED", seenByA.get("state").asText());
        }
    }
}
