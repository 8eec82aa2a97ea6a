package dev.likeness.server.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.likeness.server.LikenessServer;
import dev.likeness.server.config.Limits;
import dev.likeness.server.config.ServerConfig;
import dev.likeness.server.support.FakeGenerator;
import dev.likeness.server.support.RawHttp;
import dev.likeness.server.support.TestServers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Jobs: concurrent submitters, FIFO, bounded queue, and survival across restarts (J1, J2, J6, J7, J3 in-process). */
class JobDurabilityTest {
    @TempDir
    Path dir;

    @Test
    void twentyJobsFromFourClientsAllCompleteInOrder() throws Exception {
        try (LikenessServer server = TestServers.start(TestServers.config(dir), 1)) {
            RawHttp http = TestServers.client(server);
            ExecutorService pool = Executors.newFixedThreadPool(4);
            List<Future<List<JsonNode>>> clients = new ArrayList<>();
            for (int c = 0; c < 4; c++) {
                int client = c;
                clients.add(pool.submit(() -> {
                    List<JsonNode> mine = new ArrayList<>();
                    for (int i = 0; i < 5; i++) {
                        RawHttp.Response r = http.postJson("/api/v1/jobs/generate", "{\"prompt\":\"order-" + client
                                + "-" + i + "\",\"steps\":3,\"width\":8,\"height\":8,\"seed\":" + i + "}");
                        assertEquals(202, r.status(), r.text());
                        mine.add(r.json());
                    }
                    return mine;
                }));
            }
            List<JsonNode> submitted = new ArrayList<>();
            for (Future<List<JsonNode>> f : clients) {
                submitted.addAll(f.get(60, TimeUnit.SECONDS));
            }
            pool.shutdown();
            assertEquals(20, submitted.stream().map(j -> j.get("id").asText()).distinct().count());
            List<String> bySeq = new ArrayList<>();
            submitted.sort((a, b) -> Long.compare(a.get("seq").asLong(), b.get("seq").asLong()));
            for (JsonNode j : submitted) {
                JsonNode done = TestServers.awaitFinished(http, j.get("id").asText(), 30_000);
                assertEquals("SUCCEEDED", done.get("state").asText());
                assertEquals(1, done.get("results").size());
                bySeq.add(done.get("results").get(0).get("metadata").get("prompt").asText());
            }
            List<String> ran = new ArrayList<>(FakeGenerator.PROMPTS_RUN);
            ran.removeIf(p -> !p.startsWith("order-"));
            assertEquals(bySeq, ran, "jobs ran in submission order, each once");
        }
    }

    @Test
    void fullQueueAnswers429WithRetryAfter() throws Exception {
        ServerConfig config = TestServers.config(dir).withLimits(Limits.defaults().withMaxQueuedJobs(2));
        try (LikenessServer server = TestServers.start(config, 20)) {
            RawHttp http = TestServers.client(server);
            String body = "{\"prompt\":\"slow\",\"steps\":50,\"width\":8,\"height\":8}";
            List<Integer> statuses = new ArrayList<>();
            RawHttp.Response last = null;
            for (int i = 0; i < 5; i++) {
                last = http.postJson("/api/v1/jobs/generate", body);
                statuses.add(last.status());
            }
            assertTrue(statuses.contains(429), statuses.toString());
            assertEquals(429, last.status());
            assertEquals("5", last.headers().get("retry-after"));
            assertEquals("QUEUE_FULL", last.errorCode());
            for (JsonNode j : http.get("/api/v1/jobs").json().get("jobs")) {
                http.postJson("/api/v1/jobs/" + j.get("id").asText() + "/cancel", "{}");
            }
        }
    }

    @Test
    void queuedAndRunningJobsSurviveARestartAndTrainingResumes() throws Exception {
        String training;
        List<String> queued = new ArrayList<>();
        String finished;
        LikenessServer first = TestServers.start(TestServers.config(dir), 2);
        try {
            RawHttp http = TestServers.client(first);
            finished = http.postJson("/api/v1/jobs/generate", "{\"prompt\":\"before\",\"steps\":1,\"width\":8,"
                    + "\"height\":8,\"seed\":3}").json().get("id").asText();
            TestServers.awaitFinished(http, finished, 10_000);
            training = http.postJson("/api/v1/jobs/personalize", "{\"steps\":40,\"checkpointEvery\":10,"
                    + "\"stepMillis\":20}").json().get("id").asText();
            for (int i = 0; i < 3; i++) {
                queued.add(http.postJson("/api/v1/jobs/generate", "{\"prompt\":\"after-" + i + "\",\"steps\":1,"
                        + "\"width\":8,\"height\":8}").json().get("id").asText());
            }
            waitForStep(http, training, 15);
        } finally {
            first.close(); // graceful stop: the training job is RUNNING in the journal
        }
        try (LikenessServer second = TestServers.start(TestServers.config(dir), 2)) {
            RawHttp http = TestServers.client(second);
            JsonNode job = TestServers.awaitFinished(http, training, 20_000);
            assertEquals("SUCCEEDED", job.get("state").asText(), job.toString());
            assertEquals(2, job.get("attempts").asInt());
            JsonNode runs = job.get("output").get("runs");
            assertEquals("start 0 resumed=false", runs.get(0).asText());
            assertTrue(runs.get(1).asText().matches("start [1-3]0 resumed=true"), runs.toString());
            assertEquals(40, job.get("output").get("trainedSteps").asInt());
            long lastFinish = 0;
            for (String id : queued) {
                JsonNode q = TestServers.awaitFinished(http, id, 10_000);
                assertEquals("SUCCEEDED", q.get("state").asText());
                long f = java.time.Instant.parse(q.get("finished").asText()).toEpochMilli();
                assertTrue(f >= lastFinish, "re-queued jobs keep their order");
                lastFinish = f;
            }
            assertEquals(200, http.get("/api/v1/jobs/" + finished + "/results/0").status());
        }
    }

    @Test
    void tornLastJournalLineIsSkippedAndTheJournalStaysUsable() throws Exception {
        String done;
        try (LikenessServer server = TestServers.start(TestServers.config(dir), 0)) {
            RawHttp http = TestServers.client(server);
            done = http.postJson("/api/v1/jobs/generate", "{\"prompt\":\"kept\",\"steps\":1,\"width\":8,"
                    + "\"height\":8}").json().get("id").asText();
            TestServers.awaitFinished(http, done, 10_000);
        }
        Files.writeString(dir.resolve("jobs/journal.log"), "{\"type\":\"submitted\",\"id\":\"j0000",
                StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        try (LikenessServer server = TestServers.start(TestServers.config(dir), 0)) {
            RawHttp http = TestServers.client(server);
            assertEquals("SUCCEEDED", http.get("/api/v1/jobs/" + done).json().get("state").asText());
            String next = http.postJson("/api/v1/jobs/generate", "{\"prompt\":\"next\",\"steps\":1,\"width\":8,"
                    + "\"height\":8}").json().get("id").asText();
            assertEquals("SUCCEEDED", TestServers.awaitFinished(http, next, 10_000).get("state").asText());
        }
        try (LikenessServer server = TestServers.start(TestServers.config(dir), 0)) {
            assertEquals(2, TestServers.client(server).get("/api/v1/jobs").json().get("jobs").size());
        }
    }

    @Test
    void cancelledQueuedJobNeverRuns() throws Exception {
        try (LikenessServer server = TestServers.start(TestServers.config(dir), 20)) {
            RawHttp http = TestServers.client(server);
            String blocker = http.postJson("/api/v1/jobs/generate", "{\"prompt\":\"blocker\",\"steps\":30,"
                    + "\"width\":8,\"height\":8}").json().get("id").asText();
            String victim = http.postJson("/api/v1/jobs/generate", "{\"prompt\":\"never-run-" + System.nanoTime()
                    + "\",\"steps\":1,\"width\":8,\"height\":8}").json().get("id").asText();
            JsonNode c = http.postJson("/api/v1/jobs/" + victim + "/cancel", "{}").json();
            assertEquals("CANCELLED", c.get("state").asText());
            http.postJson("/api/v1/jobs/" + blocker + "/cancel", "{}");
            TestServers.awaitFinished(http, blocker, 10_000);
            assertTrue(Collections.disjoint(FakeGenerator.PROMPTS_RUN, List.of(c.get("id").asText())));
        }
    }

    private static void waitForStep(RawHttp http, String id, int step) throws Exception {
        long deadline = System.currentTimeMillis() + 20_000;
        while (System.currentTimeMillis() < deadline) {
            JsonNode job = http.get("/api/v1/jobs/" + id).json();
            if (job.get("progress").get("step").asInt() >= step) {
                return;
            }
            Thread.sleep(5);
        }
        throw new AssertionError("job " + id + " never reached step " + step);
    }
}
