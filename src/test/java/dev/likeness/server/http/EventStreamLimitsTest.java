package dev.likeness.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.likeness.server.LikenessServer;
import dev.likeness.server.config.Limits;
import dev.likeness.server.support.RawHttp;
import dev.likeness.server.support.SseClient;
import dev.likeness.server.support.TestServers;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 17 item 2: the documented cap of 32 progress streams holds (the 33rd gets 429 with Retry-After, server
 * threads stay bounded however many more try), a closed stream frees its place, and an idle stream times out.
 */
class EventStreamLimitsTest {
    @TempDir
    Path dir;

    @Test
    void atMost32StreamsThen429AndThreadsStayBounded() throws Exception {
        try (LikenessServer server = TestServers.start(TestServers.config(dir), 50)) {
            RawHttp http = TestServers.client(server);
            String id = http.postJson("/api/v1/jobs/generate", "{\"prompt\":\"long\",\"steps\":200,\"width\":8,"
                    + "\"height\":8}").json().get("id").asText();
            String path = "/api/v1/jobs/" + id + "/events";
            assertEquals(32, Limits.defaults().maxEventStreams());
            List<Socket> open = new ArrayList<>();
            try {
                for (int i = 0; i < 32; i++) {
                    Socket s = openStream(server, path);
                    assertEquals(200, status(s), "stream " + i);
                    open.add(s);
                }
                int threads = ManagementFactory.getThreadMXBean().getThreadCount();
                for (int i = 0; i < 100; i++) {
                    RawHttp.Response r = http.send("GET", path, sseHeaders(http), null);
                    assertEquals(429, r.status(), r.text());
                    assertEquals("TOO_MANY_STREAMS", r.errorCode());
                    assertEquals("5", r.headers().get("retry-after"));
                }
                int after = ManagementFactory.getThreadMXBean().getThreadCount();
                assertTrue(after - threads < 20, "threads " + threads + " -> " + after);

                open.remove(0).close(); // the server sees it gone at its next write (a progress event every 50 ms)
                long deadline = System.currentTimeMillis() + 5_000;
                Socket again = null;
                while (again == null && System.currentTimeMillis() < deadline) {
                    Socket s = openStream(server, path);
                    if (status(s) == 200) {
                        again = s;
                    } else {
                        s.close();
                        Thread.sleep(50);
                    }
                }
                assertTrue(again != null, "a closed stream did not free its place");
                open.add(again);
            } finally {
                for (Socket s : open) {
                    s.close();
                }
            }
        }
    }

    @Test
    void anIdleStreamIsClosedAndAWrongAcceptIsRefused() throws Exception {
        Limits limits = Limits.defaults().withEventStreams(32, Duration.ofSeconds(1));
        try (LikenessServer server = TestServers.start(TestServers.config(dir).withLimits(limits), 50)) {
            RawHttp http = TestServers.client(server);
            http.postJson("/api/v1/jobs/generate", "{\"prompt\":\"busy\",\"steps\":200,\"width\":8,\"height\":8}");
            String queued = http.postJson("/api/v1/jobs/generate", "{\"prompt\":\"waits\",\"steps\":1,\"width\":8,"
                    + "\"height\":8}").json().get("id").asText();
            long t0 = System.nanoTime();
            List<SseClient.Event> events = SseClient.readAll(server.port(), server.token(),
                    "/api/v1/jobs/" + queued + "/events", 15_000);
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertEquals(1, events.size(), events.toString()); // the state at once, then nothing changed
            assertTrue(ms >= 900 && ms < 5_000, "the idle stream closed after " + ms + " ms");

            RawHttp.Response r = http.get("/api/v1/jobs/" + queued + "/events");
            assertEquals(406, r.status(), r.text());
            assertEquals("NOT_ACCEPTABLE", r.errorCode());
        }
    }

    private static java.util.Map<String, String> sseHeaders(RawHttp http) {
        java.util.Map<String, String> h = http.auth();
        h.put("Accept", "text/event-stream");
        return h;
    }

    private static Socket openStream(LikenessServer server, String path) throws IOException {
        Socket s = new Socket("127.0.0.1", server.port());
        s.setSoTimeout(10_000);
        s.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + server.port()
                + "\r\nAuthorization: Bearer " + server.token() + "\r\nAccept: text/event-stream\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1));
        s.getOutputStream().flush();
        return s;
    }

    private static int status(Socket s) throws IOException {
        InputStream in = s.getInputStream();
        StringBuilder line = new StringBuilder();
        for (int c = in.read(); c >= 0 && c != '\n'; c = in.read()) {
            line.append((char) c);
        }
        String[] parts = line.toString().split(" ");
        return parts.length > 1 ? Integer.parseInt(parts[1]) : -1;
    }
}
