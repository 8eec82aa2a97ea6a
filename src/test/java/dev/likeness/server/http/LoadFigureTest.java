package dev.likeness.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.likeness.server.LikenessServer;
import dev.likeness.server.support.RawHttp;
import dev.likeness.server.support.SseClient;
import dev.likeness.server.support.TestServers;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Load figures (printed and written to target/load-figures.txt): status polling throughput with 4 keep-alive
 * clients, and generate latency (submit → "done" event) with an instant fake engine, i.e. the server's own
 * overhead per job. Bounded: 2 s of polling, 20 jobs.
 */
class LoadFigureTest {
    @TempDir
    Path dir;

    @Test
    void statusPollingAndGenerateLatency() throws Exception {
        try (LikenessServer server = TestServers.start(TestServers.config(dir), 0)) {
            RawHttp raw = TestServers.client(server);
            String id = raw.postJson("/api/v1/jobs/generate", "{\"prompt\":\"p\",\"steps\":1,\"width\":8,"
                    + "\"height\":8}").json().get("id").asText();
            TestServers.awaitFinished(raw, id, 10_000);

            HttpClient client = HttpClient.newHttpClient();
            HttpRequest status = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port()
                    + "/api/v1/jobs/" + id)).header("Authorization", "Bearer " + server.token()).build();
            for (int i = 0; i < 200; i++) { // warm-up
                client.send(status, HttpResponse.BodyHandlers.discarding());
            }
            ExecutorService pool = Executors.newFixedThreadPool(4);
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
            List<Future<int[]>> workers = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                workers.add(pool.submit(() -> {
                    int ok = 0;
                    int bad = 0;
                    while (System.nanoTime() < end) {
                        int code = client.send(status, HttpResponse.BodyHandlers.discarding()).statusCode();
                        if (code == 200) {
                            ok++;
                        } else {
                            bad++;
                        }
                    }
                    return new int[] {ok, bad};
                }));
            }
            int ok = 0;
            int bad = 0;
            for (Future<int[]> f : workers) {
                int[] r = f.get(30, TimeUnit.SECONDS);
                ok += r[0];
                bad += r[1];
            }
            pool.shutdown();
            assertEquals(0, bad);
            double perSecond = ok / 2.0;

            List<Double> latencies = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                long t0 = System.nanoTime();
                String job = raw.postJson("/api/v1/jobs/generate", "{\"prompt\":\"lat " + i + "\",\"steps\":20,"
                        + "\"width\":512,\"height\":512}").json().get("id").asText();
                List<SseClient.Event> events = SseClient.readAll(server.port(), server.token(),
                        "/api/v1/jobs/" + job + "/events", 20_000);
                latencies.add((System.nanoTime() - t0) / 1e6);
                assertEquals("done", events.get(events.size() - 1).name());
            }
            Collections.sort(latencies);
            double mean = latencies.stream().mapToDouble(Double::doubleValue).average().orElse(0);
            String report = String.format("status polling: %.0f req/s (4 keep-alive clients, 2 s, %d requests)%n"
                    + "generate 512x512, 20 steps, instant fake engine (server overhead incl. PNG encode + SSE): "
                    + "mean %.1f ms, p50 %.1f ms, p95 %.1f ms over %d jobs%n", perSecond, ok, mean,
                    latencies.get(latencies.size() / 2), latencies.get((int) (latencies.size() * 0.95)),
                    latencies.size());
            System.out.print(report);
            Files.writeString(Path.of("target", "load-figures.txt"), report);
            assertTrue(ok > 0);
        }
    }
}
