package dev.likeness.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.likeness.server.store.PgTestServer;
import dev.likeness.server.store.StoreUrl;
import dev.likeness.util.Json;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code worker}, {@code serve --store} and {@code bench queue} from the command line. */
class StudioCliTest {
    @TempDir
    Path dir;

    private static void assertOneLineError(CliTest.Result r, String expected) {
        assertTrue(r.code() != 0, "exit code " + r.code());
        assertTrue(r.err().contains(expected), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertFalse(r.err().contains("Exception"), r.err());
    }

    @Test
    void aWorkerWithoutAStoreSaysWhatItNeeds() {
        assertOneLineError(CliTest.run("worker", "--data-dir", dir.toString()), "worker needs --store");
    }

    @Test
    void aPasswordOnTheCommandLineIsRefusedWithoutEchoingIt() {
        CliTest.Result r = CliTest.run("worker", "--store", "postgresql://studio:hunter2@127.0.0.1:1/likeness",
                "--data-dir", dir.toString());
        assertOneLineError(r, "must not carry a password");
        assertFalse(r.err().contains("hunter2"));
    }

    @Test
    void anUnreachableStoreIsOneLine() {
        assertOneLineError(CliTest.run("worker", "--store", "postgresql://studio@127.0.0.1:1/likeness",
                "--data-dir", dir.toString()), "the store is unreachable");
    }

    @Test
    void aTokenFileIsForStudioFrontsOnly() throws Exception {
        Path token = dir.resolve("token");
        java.nio.file.Files.writeString(token, "x".repeat(40));
        java.nio.file.Files.setPosixFilePermissions(token, java.nio.file.attribute.PosixFilePermissions
                .fromString("rw-------"));
        assertOneLineError(CliTest.run("serve", "--token-file", token.toString(), "--data-dir", dir.toString(),
                "--port", "0"), "--token-file is for a studio's fronts");
    }

    @Test
    void aLeaseOutOfRangeIsRefused() {
        assertOneLineError(CliTest.run("bench", "queue", "--store", "postgresql://studio@127.0.0.1:1/likeness",
                "--lease", "1"), "--lease must be between 2 and 3600 seconds");
    }

    @Test
    void benchQueuePrintsClaimLatencyAndThroughputPerWorkerCount() throws Exception {
        StoreUrl url = PgTestServer.get().createDatabase("bench");
        CliTest.Result r = CliTest.run("bench", "queue", "--store", url.toString(), "--jobs", "60", "--workers",
                "1,3");
        assertEquals(0, r.code(), r.err());
        JsonNode out = Json.MAPPER.readTree(r.out());
        assertEquals(2, out.get("rounds").size());
        for (JsonNode round : out.get("rounds")) {
            assertEquals(60, round.get("jobs").asInt());
            assertTrue(round.get("claimMsP95").asDouble() >= round.get("claimMsP50").asDouble());
            assertTrue(round.get("jobsPerSecond").asDouble() > 0);
        }
        assertEquals(3, out.get("rounds").get(1).get("workers").asInt());
    }
}
