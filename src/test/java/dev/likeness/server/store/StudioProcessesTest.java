package dev.likeness.server.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.likeness.server.support.RawHttp;
import dev.likeness.server.support.ServerProcesses;
import dev.likeness.server.support.StudioTestMain;
import dev.likeness.server.support.TestServers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Fronts and workers as separate processes on loopback, sharing one PostgreSQL (fake engine: fast jobs). */
class StudioProcessesTest {
    @TempDir
    Path dir;
    private StoreUrl url;
    private final List<Process> processes = new ArrayList<>();

    @BeforeEach
    void database() throws Exception {
        url = PgTestServer.get().createDatabase("studio");
    }

    @AfterEach
    void stopAll() {
        processes.forEach(Process::destroyForcibly);
    }

    private Process launch(String role, String node, long stepMillis, int leaseSeconds) throws Exception {
        Path data = dir.resolve(node);
        Files.createDirectories(data);
        Process p = ServerProcesses.launch(dir, "256m", StudioTestMain.class.getName(), role, data.toString(),
                url.toString(), dir.resolve("shared").toString(), node, Long.toString(stepMillis),
                Integer.toString(leaseSeconds));
        processes.add(p);
        return p;
    }

    private RawHttp front(Process p, String node) throws Exception {
        return ServerProcesses.connect(p, dir.resolve(node), 60_000);
    }

    private static RawHttp.Response submit(RawHttp http, String kind, String submitter, String json)
            throws Exception {
        Map<String, String> h = http.auth();
        h.put("Content-Type", "application/json");
        if (submitter != null) {
            h.put("X-Likeness-Submitter", submitter);
        }
        return http.send("POST", "/api/v1/jobs/" + kind, h, json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void twoHundredJobsThroughTwoFrontsOnThreeWorkersAllFinishOnceInEachSubmittersOrder() throws Exception {
        for (int w = 0; w < 3; w++) {
            launch("worker", "w" + w, 1, 10);
        }
        RawHttp a = front(launch("front", "fa", 1, 10), "fa");
        RawHttp b = front(launch("front", "fb", 1, 10), "fb");
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<List<String>>> submitters = new ArrayList<>();
        for (int s = 0; s < 8; s++) {
            RawHttp via = s % 2 == 0 ? a : b;
            String who = "artist" + s;
            submitters.add(pool.submit(() -> {
                List<String> ids = new ArrayList<>();
                for (int i = 0; i < 25; i++) {
                    RawHttp.Response r;
                    while ((r = submit(via, "generate", who, "{\"prompt\":\"" + who + "-" + i
                            + "\",\"steps\":2,\"width\":8,\"height\":8,\"seed\":" + i + "}")).status() == 429) {
                        Thread.sleep(50); // the queue's limit holds across fronts: wait as a client does
                    }
                    assertEquals(202, r.status(), r.text());
                    ids.add(r.json().get("id").asText());
                }
                return ids;
            }));
        }
        Map<String, List<String>> bySubmitter = new HashMap<>();
        for (int s = 0; s < 8; s++) {
            bySubmitter.put("artist" + s, submitters.get(s).get(120, TimeUnit.SECONDS));
        }
        pool.shutdown();
        Map<String, JsonNode> done = new HashMap<>();
        for (List<String> ids : bySubmitter.values()) {
            for (String id : ids) {
                done.put(id, TestServers.awaitFinished(id.hashCode() % 2 == 0 ? a : b, id, 180_000));
            }
        }
        assertEquals(200, done.size(), "a job was lost or listed twice");
        for (JsonNode j : done.values()) {
            assertEquals("SUCCEEDED", j.get("state").asText(), j.toString());
            assertEquals(1, j.get("results").size(), "stored " + j.get("results").size() + " times: " + j);
            assertEquals(1, j.get("attempts").asInt(), j.toString());
        }
        for (Map.Entry<String, List<String>> e : bySubmitter.entrySet()) {
            Instant previousFinish = Instant.EPOCH;
            for (String id : e.getValue()) {
                JsonNode j = done.get(id);
                Instant started = Instant.parse(j.get("started").asText());
                assertTrue(!started.isBefore(previousFinish), e.getKey() + "'s job " + id + " started before the "
                        + "one submitted ahead of it finished");
                previousFinish = Instant.parse(j.get("finished").asText());
            }
        }
        assertEquals(200, a.get("/api/v1/jobs").json().get("jobs").size(), "front a does not list every job");
        assertEquals(200, b.get("/api/v1/jobs").json().get("jobs").size(), "front b does not list every job");
        try (Store store = Store.open(PgTestServer.settings(url, "check", null, StoreSettings.DEFAULT_LEASE))) {
            assertEquals(3, store.workers().live(java.time.Duration.ofSeconds(30)).size());
            assertEquals(Integer.valueOf(400), store.jobs().database().<Integer>transaction(c -> {
                try (var st = c.createStatement(); var rs = st.executeQuery(
                        "SELECT count(*) FROM likeness_job_files WHERE area = 'results'")) {
                    rs.next();
                    return rs.getInt(1);
                }
            }), "each job's PNG and JSON stored once");
        }
    }

    @Test
    void killedWorkersJobsMoveOnAndTrainingResumesFromItsCheckpointAndTheOtherFrontServesAKilledFrontsJobs()
            throws Exception {
        // a 9 s lease renews every 3 s; work files are copied every second all the same (a checkpoint must not wait
        // for the renewal: this run is killed about a second after it starts)
        Process w1 = launch("worker", "w1", 40, 9);
        Process fa = launch("front", "fa", 40, 9);
        RawHttp a = front(fa, "fa");
        RawHttp b = front(launch("front", "fb", 40, 9), "fb");
        RawHttp.Response train = submit(a, "personalize", null,
                "{\"steps\":60,\"checkpointEvery\":5,\"stepMillis\":50}");
        assertEquals(202, train.status(), train.text());
        String trainId = train.json().get("id").asText();
        ServerProcesses.waitForStep(a, trainId, 22, 60_000);
        Process w2 = launch("worker", "w2", 40, 9);
        ServerProcesses.waitForStep(b, trainId, 25, 60_000); // w2 is up by now or soon; the job is still on w1
        w1.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        JsonNode trained = TestServers.awaitFinished(b, trainId, 90_000);
        assertEquals("SUCCEEDED", trained.get("state").asText(), trained.toString());
        assertEquals(2, trained.get("attempts").asInt());
        JsonNode runs = trained.get("output").get("runs");
        assertEquals(2, runs.size(), runs.toString());
        assertEquals("start 0 resumed=false", runs.get(0).asText());
        int resumedAt = Integer.parseInt(runs.get(1).asText().split(" ")[1]);
        assertTrue(resumedAt >= 5 && resumedAt % 5 == 0 && runs.get(1).asText().endsWith("resumed=true"),
                "resumed from its checkpoint, not from the start: " + runs);
        assertEquals(60, trained.get("output").get("trainedSteps").asInt());

        RawHttp.Response gen = submit(a, "generate", null, "{\"prompt\":\"long\",\"steps\":80,\"width\":8,"
                + "\"height\":8,\"seed\":3}");
        String genId = gen.json().get("id").asText();
        ServerProcesses.waitForStep(a, genId, 5, 60_000);
        fa.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        Process w3 = launch("worker", "w3", 40, 9);
        w2.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        JsonNode generated = TestServers.awaitFinished(b, genId, 90_000);
        assertEquals("SUCCEEDED", generated.get("state").asText(), generated.toString());
        assertEquals(2, generated.get("attempts").asInt());
        assertEquals(1, generated.get("results").size());
        assertEquals(200, b.get("/api/v1/jobs/" + genId + "/results/0").status());
        assertTrue(w3.isAlive());
    }

    @Test
    void aStoreRestartDuringARunLosesNothing() throws Exception {
        launch("worker", "w1", 20, 3);
        RawHttp a = front(launch("front", "fa", 20, 3), "fa");
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            RawHttp.Response r = submit(a, "generate", "artist", "{\"prompt\":\"r" + i + "\",\"steps\":10,"
                    + "\"width\":8,\"height\":8,\"seed\":" + i + "}");
            assertEquals(202, r.status(), r.text());
            ids.add(r.json().get("id").asText());
        }
        ServerProcesses.waitForStep(a, ids.get(1), 3, 60_000);
        PgTestServer pg = PgTestServer.get();
        pg.stop();
        Thread.sleep(3000);
        pg.start();
        for (String id : ids) {
            JsonNode j = TestServers.awaitFinished(a, id, 120_000);
            assertEquals("SUCCEEDED", j.get("state").asText(), j.toString());
            assertEquals(1, j.get("results").size(), j.toString());
        }
        assertEquals(new HashSet<>(ids).size(), ids.size());
    }
}
