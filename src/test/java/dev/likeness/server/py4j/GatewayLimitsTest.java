package dev.likeness.server.py4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.likeness.server.config.GatewayLimits;
import dev.likeness.server.support.Py4jWire;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Issue 17 item 4: the Py4J gateway's authentication deadline is fixed from connect (a client trickling one byte at
 * a time is still cut off), connections waiting to authenticate and connections in all are capped (refused at
 * accept with an error line), and a malformed integer argument is a bad-argument error, not INTERNAL.
 */
class GatewayLimitsTest {
    private static final String TOKEN = "secret-token";

    private static GuardedGatewayServer start(GatewayLimits limits) {
        GuardedGatewayServer gw = new GuardedGatewayServer(new GatewayEntryPoint(null, null, null, null, null),
                InetAddress.getLoopbackAddress(), 0, TOKEN, 1024, limits);
        gw.start(true);
        return gw;
    }

    @Test
    void slowlorisIsCutOffAtTheFixedDeadline() throws Exception {
        GuardedGatewayServer gw = start(new GatewayLimits(Duration.ofSeconds(1), Duration.ofMinutes(1), 16, 64));
        try (Socket s = new Socket("127.0.0.1", gw.getListeningPort())) {
            s.setSoTimeout(200);
            OutputStream out = s.getOutputStream();
            InputStream in = s.getInputStream();
            long t0 = System.nanoTime();
            byte[] trickle = ("A\n" + TOKEN).getBytes(StandardCharsets.UTF_8); // never finishes the token line
            boolean closed = false;
            for (int i = 0; i < 40 && !closed; i++) {
                try {
                    out.write(trickle[i % trickle.length]);
                    out.flush();
                    closed = in.read() < 0;
                } catch (SocketTimeoutException stillOpen) {
                    // nothing to read yet: keep trickling
                } catch (java.io.IOException reset) {
                    closed = true;
                }
            }
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(closed, "a client sending one byte every 200 ms was never cut off");
            assertTrue(ms < 3_000, "cut off only after " + ms + " ms; the deadline is 1 s from connect");
        } finally {
            gw.shutdown();
        }
    }

    @Test
    void pendingAndTotalConnectionsAreCapped() throws Exception {
        GuardedGatewayServer gw = start(new GatewayLimits(Duration.ofSeconds(20), Duration.ofMinutes(1), 4, 8));
        List<Py4jWire> open = new ArrayList<>();
        try {
            for (int i = 0; i < 4; i++) {
                open.add(new Py4jWire(gw.getListeningPort())); // connected, never authenticating
            }
            awaitOpen(gw, 4);
            try (Py4jWire fifth = new Py4jWire(gw.getListeningPort())) {
                String answer = fifth.send();
                assertTrue(answer != null && answer.startsWith("!x") && answer.contains("TOO_MANY_CONNECTIONS"),
                        String.valueOf(answer));
                assertTrue(fifth.closedByServer());
            }
        } finally {
            for (Py4jWire w : open) {
                w.close();
            }
        }
        awaitOpen(gw, 0);
        List<Py4jWire> authed = new ArrayList<>();
        try {
            for (int i = 0; i < 8; i++) {
                Py4jWire w = new Py4jWire(gw.getListeningPort());
                authed.add(w);
                assertEquals("!yv", w.auth(TOKEN));
            }
            try (Py4jWire ninth = new Py4jWire(gw.getListeningPort())) {
                String answer = ninth.auth(TOKEN);
                assertTrue(answer != null && answer.contains("TOO_MANY_CONNECTIONS"), String.valueOf(answer));
            }
            authed.remove(0).close();
            awaitOpen(gw, 7);
            try (Py4jWire again = new Py4jWire(gw.getListeningPort())) {
                assertEquals("!yv", again.auth(TOKEN));
            }
        } finally {
            for (Py4jWire w : authed) {
                w.close();
            }
            gw.shutdown();
        }
    }

    @Test
    void aMalformedIntegerIsABadArgument() throws Exception {
        GuardedGatewayServer gw = start(GatewayLimits.defaults());
        try (Py4jWire w = new Py4jWire(gw.getListeningPort())) {
            assertEquals("!yv", w.auth(TOKEN));
            String answer = w.call("result", "sj000001-00000000", "i12x");
            assertTrue(answer.startsWith("!x") && answer.contains("BAD_ARGUMENTS"), answer);
            assertTrue(w.call("nope").contains("NOT_ALLOWED"), "the connection still works");
        } finally {
            gw.shutdown();
        }
    }

    private static void awaitOpen(GuardedGatewayServer gw, int n) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 5_000;
        while (gw.openConnections() != n && System.currentTimeMillis() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(n, gw.openConnections());
    }
}
