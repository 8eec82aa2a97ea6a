package dev.likeness.server.support;

import com.fasterxml.jackson.databind.JsonNode;
import dev.likeness.server.LikenessServer;
import dev.likeness.server.config.ServerConfig;
import java.io.IOException;
import java.nio.file.Path;

/** Starting real servers on a free loopback port, and waiting for jobs with a bounded poll. */
public final class TestServers {
    private TestServers() {}

    public static ServerConfig config(Path dataDir) {
        return ServerConfig.defaults(dataDir).withPy4jPort(-1);
    }

    public static LikenessServer start(ServerConfig config, long stepMillis) throws IOException {
        return LikenessServer.start(config, new FakeEngine(stepMillis));
    }

    public static RawHttp client(LikenessServer server) {
        return new RawHttp(server.port(), server.token());
    }

    /** Polls the job until it is in a final state; fails after {@code timeoutMillis}. */
    public static JsonNode awaitFinished(RawHttp http, String jobId, long timeoutMillis) throws Exception {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (System.currentTimeMillis() < deadline) {
            JsonNode job = http.get("/api/v1/jobs/" + jobId).json();
            String state = job.path("state").asText();
            if (state.equals("SUCCEEDED") || state.equals("FAILED") || state.equals("CANCELLED")) {
                return job;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("job " + jobId + " did not finish within " + timeoutMillis + " ms");
    }

    /** Uploads {@code TestImages.subject(64, variant)} as a PNG and returns its upload id. */
    public static String uploadSubject(RawHttp http, int variant) throws Exception {
        java.io.ByteArrayOutputStream png = new java.io.ByteArrayOutputStream();
        javax.imageio.ImageIO.write(dev.likeness.testing.TestImages.subject(64, variant), "png", png);
        RawHttp.Response r = http.postPng("/api/v1/uploads", png.toByteArray());
        if (r.status() != 201) {
            throw new AssertionError("upload failed: " + r.status() + " " + r.text());
        }
        return r.json().get("id").asText();
    }
}
