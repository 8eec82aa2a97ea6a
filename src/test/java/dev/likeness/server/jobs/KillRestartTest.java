package dev.likeness.server.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.likeness.server.support.RawHttp;
import dev.likeness.server.support.ServerProcesses;
import dev.likeness.server.support.TestServerMain;
import dev.likeness.server.support.TestServers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * J3/J7 for real: the server runs in its own JVM, is killed with SIGKILL in the middle of a training job, and
 * after a restart resumes that job from its last checkpoint, runs the job queued behind it, and still serves
 * results produced before the kill.
 */
class KillRestartTest {
    @TempDir
    Path dir;

    @Test
    void sigkillDuringTrainingResumesFromTheLastCheckpoint() throws Exception {
        Process first = launch();
        String before;
        String training;
        String queued;
        int stepAtKill;
        try {
            RawHttp http = connect(first);
            before = http.postJson("/api/v1/jobs/generate", "{\"prompt\":\"before the kill\",\"steps\":1,"
                    + "\"width\":8,\"height\":8,\"seed\":9}").json().get("id").asText();
            TestServers.awaitFinished(http, before, 20_000);
            training = http.postJson("/api/v1/jobs/personalize", "{\"steps\":60,\"checkpointEvery\":10,"
                    + "\"stepMillis\":40}").json().get("id").asText();
            queued = http.postJson("/api/v1/jobs/generate", "{\"prompt\":\"queued behind training\",\"steps\":1,"
                    + "\"width\":8,\"height\":8}").json().get("id").asText();
            stepAtKill = waitForStep(http, training, 25);
        } finally {
            first.destroyForcibly(); // SIGKILL on POSIX: no shutdown hook, no journal flush beyond what is on disk
            first.waitFor(20, TimeUnit.SECONDS);
        }
        Process second = launch();
        try {
            RawHttp http = connect(second);
            JsonNode job = TestServers.awaitFinished(http, training, 30_000);
            assertEquals("SUCCEEDED", job.get("state").asText(), job.toString());
            assertEquals(60, job.get("output").get("trainedSteps").asInt());
            JsonNode runs = job.get("output").get("runs");
            assertEquals(2, runs.size(), runs.toString());
            assertEquals("start 0 resumed=false", runs.get(0).asText());
            int resumedAt = Integer.parseInt(runs.get(1).asText().split(" ")[1]);
            assertTrue(runs.get(1).asText().endsWith("resumed=true"));
            assertTrue(resumedAt >= 20 && resumedAt % 10 == 0 && resumedAt <= stepAtKill + 10,
                    "resumed at " + resumedAt + ", killed around step " + stepAtKill);
            assertEquals("SUCCEEDED", TestServers.awaitFinished(http, queued, 20_000).get("state").asText());
            assertEquals(200, http.get("/api/v1/jobs/" + before + "/results/0").status());
        } finally {
            second.destroy();
            second.waitFor(20, TimeUnit.SECONDS);
        }
    }

    private Process launch() throws Exception {
        return ServerProcesses.launch(dir, "256m", TestServerMain.class.getName(), dir.toString(), "0");
    }

    private RawHttp connect(Process p) throws Exception {
        return ServerProcesses.connect(p, dir, 60_000);
    }

    private static int waitForStep(RawHttp http, String id, int step) throws Exception {
        return ServerProcesses.waitForStep(http, id, step, 30_000);
    }
}
