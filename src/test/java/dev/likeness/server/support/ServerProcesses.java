package dev.likeness.server.support;

import com.fasterxml.jackson.databind.JsonNode;
import dev.likeness.server.security.RuntimeFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Servers in their own JVM (so a test can SIGKILL them), found through the runtime.json they write. */
public final class ServerProcesses {
    private ServerProcesses() {}

    /** Starts {@code mainClass args...} with this test's classpath; output goes to a log in {@code dir}. */
    public static Process launch(Path dir, String heap, String mainClass, String... args) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = new ArrayList<>(List.of(java, "-Xmx" + heap, "-cp", System.getProperty("java.class.path"),
                mainClass));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("MKL_CBWR", "AUTO,STRICT");
        return pb.redirectErrorStream(true).redirectOutput(dir.resolve("server-" + System.nanoTime() + ".log").toFile())
                .start();
    }

    /** Waits for runtime.json written by this process (a killed one leaves its own behind). */
    public static RawHttp connect(Process p, Path dataDir, long timeoutMillis) throws Exception {
        Path file = dataDir.resolve("runtime.json");
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (System.currentTimeMillis() < deadline) {
            if (!p.isAlive()) {
                throw new AssertionError("server exited with " + p.exitValue());
            }
            if (Files.isRegularFile(file)) {
                try {
                    RuntimeFile.Content c = RuntimeFile.read(file);
                    if (c.pid() == p.pid()) {
                        return new RawHttp(c.port(), c.token());
                    }
                } catch (java.io.IOException partial) {
                    // being replaced right now; try again
                }
            }
            Thread.sleep(50);
        }
        throw new AssertionError("server did not start");
    }

    /** Polls until the job's progress reaches {@code step}; fails if it fails or times out. */
    public static int waitForStep(RawHttp http, String id, int step, long timeoutMillis) throws Exception {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (System.currentTimeMillis() < deadline) {
            JsonNode j = http.get("/api/v1/jobs/" + id).json();
            if (j.get("state").asText().equals("FAILED")) {
                throw new AssertionError("job failed: " + j);
            }
            int now = j.get("progress").get("step").asInt();
            if (now >= step) {
                return now;
            }
            Thread.sleep(5);
        }
        throw new AssertionError("job " + id + " never reached step " + step);
    }
}
