package dev.likeness.server.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.likeness.server.support.RawHttp;
import dev.likeness.server.support.ServerProcesses;
import dev.likeness.server.support.TestServerMain;
import dev.likeness.server.support.TestServers;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 17 item 1, against servers in their own JVM: a cancel acknowledged for a running job survives SIGKILL and
 * SIGTERM (the job ends CANCELLED after the restart, never runs again), and SIGTERM during a job whose steps are
 * slow stops it inside a step and exits within seconds, the job journaled as interrupted and resumed on the next
 * start.
 */
class CancelAndStopTest {
    /** A training step of 5 s that cannot be interrupted (the fake runner sleeps): the cancel can only be journaled. */
    private static final String SLOW_TRAINING = "{\"steps\":4,\"checkpointEvery\":1,\"stepMillis\":5000}";

    @TempDir
    Path dir;

    @Test
    void cancelThenSigkillEndsCancelledAfterRestart() throws Exception {
        cancelThenStop(true);
    }

    @Test
    void cancelThenSigtermEndsCancelledAfterRestart() throws Exception {
        cancelThenStop(false);
    }

    private void cancelThenStop(boolean kill) throws Exception {
        Process first = launch();
        String id;
        try {
            RawHttp http = connect(first);
            id = http.postJson("/api/v1/jobs/personalize", SLOW_TRAINING).json().get("id").asText();
            awaitState(http, id, "RUNNING");
            RawHttp.Response cancel = http.postJson("/api/v1/jobs/" + id + "/cancel", "{}");
            assertEquals(200, cancel.status(), cancel.text());
        } finally {
            if (kill) {
                first.destroyForcibly();
            } else {
                first.destroy();
            }
            assertTrue(first.waitFor(20, TimeUnit.SECONDS));
        }
        Process second = launch();
        try {
            RawHttp http = connect(second);
            JsonNode job = TestServers.awaitFinished(http, id, 20_000);
            assertEquals("CANCELLED", job.get("state").asText(), job.toString());
            assertEquals(1, job.get("attempts").asInt(), "the cancelled job never ran again: " + job);
        } finally {
            second.destroy();
            second.waitFor(20, TimeUnit.SECONDS);
        }
    }

    @Test
    void sigtermInterruptsASlowStepExitsWithinSecondsAndTheJobResumes() throws Exception {
        Process first = launch("10000"); // 10 s per step: 200 steps would take half an hour
        String id;
        try {
            RawHttp http = connect(first);
            id = http.postJson("/api/v1/jobs/generate", "{\"prompt\":\"slow\",\"steps\":200,\"width\":8,\"height\":8,"
                    + "\"seed\":1}").json().get("id").asText();
            awaitState(http, id, "RUNNING");
            Thread.sleep(500); // inside the first step
            long t0 = System.nanoTime();
            first.destroy(); // SIGTERM
            assertTrue(first.waitFor(15, TimeUnit.SECONDS), "the server did not exit after SIGTERM");
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(ms < 4_000, "SIGTERM took " + ms + " ms to stop the server");
        } finally {
            first.destroyForcibly();
        }
        Process second = launch("0");
        try {
            RawHttp http = connect(second);
            JsonNode job = TestServers.awaitFinished(http, id, 30_000);
            assertEquals("SUCCEEDED", job.get("state").asText(), job.toString());
            assertEquals(2, job.get("attempts").asInt(), job.toString());
        } finally {
            second.destroy();
            second.waitFor(20, TimeUnit.SECONDS);
        }
    }

    static void awaitState(RawHttp http, String id, String state) throws Exception {
        long deadline = System.currentTimeMillis() + 20_000;
        while (System.currentTimeMillis() < deadline) {
            if (http.get("/api/v1/jobs/" + id).json().get("state").asText().equals(state)) {
                return;
            }
            Thread.sleep(10);
        }
        throw new AssertionError("job " + id + " never reached " + state);
    }

    private Process launch() throws Exception {
        return launch("0");
    }

    private Process launch(String stepMillis) throws Exception {
        return ServerProcesses.launch(dir, "256m", TestServerMain.class.getName(), dir.toString(), stepMillis);
    }

    private RawHttp connect(Process p) throws Exception {
        return ServerProcesses.connect(p, dir, 60_000);
    }
}
