package dev.likeness.server.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.likeness.cli.Main;
import dev.likeness.server.support.RawHttp;
import dev.likeness.server.support.ServerProcesses;
import dev.likeness.server.support.TestServers;
import dev.likeness.testing.Golden;
import dev.likeness.testing.TestImages;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The production server (`likeness serve`, real engine, tiny model) is SIGKILLed in the middle of a Textual Inversion
 * personalize job; after a restart the job resumes from its last checkpoint and publishes the concept.
 */
class RealTrainingKillTest {
    @TempDir
    Path dir;

    @Test
    void sigkillDuringRealTrainingResumesAndFinishes() throws Exception {
        Process first = launch();
        String job;
        int stepAtKill;
        try {
            RawHttp http = connect(first);
            ByteArrayOutputStream png = new ByteArrayOutputStream();
            ImageIO.write(TestImages.subject(64, 1), "png", png);
            String upload = http.postPng("/api/v1/uploads", png.toByteArray()).json().get("id").asText();
            RawHttp.Response submit = http.postJson("/api/v1/jobs/personalize", "{\"method\":\"ti\",\"name\":\"kill-dog\","
                    + "\"classWord\":\"dog\",\"steps\":160,\"images\":[\"" + upload + "\"],"
                    + "\"options\":{\"checkpointEvery\":10,\"gradAccum\":1}}");
            assertEquals(202, submit.status(), submit.text());
            job = submit.json().get("id").asText();
            stepAtKill = waitForStep(http, job, 35);
        } finally {
            first.destroyForcibly();
            first.waitFor(20, TimeUnit.SECONDS);
        }
        Process second = launch();
        try {
            RawHttp http = connect(second);
            JsonNode done = TestServers.awaitFinished(http, job, 180_000);
            assertEquals("SUCCEEDED", done.get("state").asText(), done.toString());
            int resumed = done.get("output").get("resumedFromStep").asInt();
            assertTrue(resumed >= 30 && resumed % 10 == 0 && resumed <= stepAtKill + 10,
                    "resumed from " + resumed + ", killed near step " + stepAtKill);
            assertTrue(http.get("/api/v1/concepts").json().toString().contains("kill-dog"));
        } finally {
            second.destroy();
            second.waitFor(20, TimeUnit.SECONDS);
        }
    }

    private Process launch() throws Exception {
        return ServerProcesses.launch(dir, "1g", Main.class.getName(), "serve", "--model",
                Golden.model("sd1").toString(), "--port", "0", "--data-dir", dir.toString(), "--no-py4j");
    }

    private RawHttp connect(Process p) throws Exception {
        return ServerProcesses.connect(p, dir, 90_000);
    }

    private static int waitForStep(RawHttp http, String id, int step) throws Exception {
        return ServerProcesses.waitForStep(http, id, step, 120_000);
    }
}
