package dev.likeness.server.py4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.likeness.server.LikenessServer;
import dev.likeness.server.support.Pngs;
import dev.likeness.server.support.Py4jWire;
import dev.likeness.server.support.TestServers;
import dev.likeness.util.Json;
import java.io.ByteArrayInputStream;
import dev.likeness.server.config.GatewayLimits;
import java.net.InetAddress;
import java.time.Duration;
import java.nio.file.Path;
import java.util.Base64;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import py4j.StringUtil;

/** The checklist's Py4J rows (P1-P5) against the gateway the server starts, over the real wire protocol. */
class GatewayTest {
    @TempDir
    static Path dir;
    static LikenessServer server;

    @BeforeAll
    static void start() throws Exception {
        server = TestServers.start(TestServers.config(dir).withPy4jPort(0), 0);
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    private static Py4jWire authed() throws Exception {
        Py4jWire w = new Py4jWire(server.py4jPort());
        assertEquals("!yv", w.auth(server.token()));
        return w;
    }

    @Test
    void withoutTokenNothingRuns() throws Exception {
        try (Py4jWire w = new Py4jWire(server.py4jPort())) {
            String answer = w.call("version");
            assertTrue(answer.startsWith("!x"), answer);
            assertTrue(answer.contains("Authentication error"));
            assertTrue(w.closedByServer());
        }
    }

    @Test
    void wrongTokenIsRefusedAndDisconnected() throws Exception {
        for (String bad : new String[] {"wrong", "", server.token() + "x", server.token().substring(1)}) {
            try (Py4jWire w = new Py4jWire(server.py4jPort())) {
                String answer = w.auth(bad);
                assertTrue(answer.startsWith("!x") && answer.contains("bad auth token"), answer);
                assertTrue(w.closedByServer());
            }
        }
    }

    @Test
    void facadeMethodsWork() throws Exception {
        try (Py4jWire w = authed()) {
            String version = w.call("version");
            assertTrue(version.startsWith("!ys"), version);
            JsonNode v = Json.MAPPER.readTree(StringUtil.unescape(version.substring(3)));
            assertEquals("v1", v.get("api").asText());
            assertTrue(w.call("listModels").startsWith("!ys"));
            assertTrue(w.call("listConcepts").startsWith("!ys"));
        }
    }

    @Test
    void generateThroughTheGatewayWithAStagedImage() throws Exception {
        try (Py4jWire w = authed()) {
            String staged = w.call("stageImage", "j" + Base64.getEncoder().encodeToString(Pngs.valid(32, 32)));
            assertTrue(staged.startsWith("!ys"), staged);
            String uploadId = Json.MAPPER.readTree(StringUtil.unescape(staged.substring(3))).get("id").asText();
            String spec = "{\"prompt\":\"via py4j\",\"steps\":2,\"width\":32,\"height\":32,\"seed\":11,"
                    + "\"images\":[\"" + uploadId + "\"]}";
            String submitted = w.call("submit", "sgenerate", "s" + StringUtil.escape(spec));
            assertTrue(submitted.startsWith("!ys"), submitted);
            String id = Json.MAPPER.readTree(StringUtil.unescape(submitted.substring(3))).get("id").asText();
            JsonNode job = null;
            for (int i = 0; i < 500; i++) {
                job = Json.MAPPER.readTree(StringUtil.unescape(w.call("status", "s" + id).substring(3)));
                if (job.get("state").asText().equals("SUCCEEDED")) {
                    break;
                }
                Thread.sleep(20);
            }
            assertEquals("SUCCEEDED", job.get("state").asText());
            assertEquals("img2img", job.get("results").get(0).get("metadata").get("mode").asText());
            String png = w.call("result", "s" + id, "i0");
            assertTrue(png.startsWith("!yj"), png.substring(0, 10));
            byte[] bytes = Base64.getMimeDecoder().decode(png.substring(3));
            assertEquals(32, ImageIO.read(new ByteArrayInputStream(bytes)).getWidth());
            String missing = w.call("result", "s" + id, "i7");
            assertTrue(missing.startsWith("!xs") && missing.contains("NOT_FOUND"), missing);
            String noPreview = w.call("preview", "s" + id);
            assertTrue(noPreview.startsWith("!xs") && noPreview.contains("NO_PREVIEW"), noPreview);

            String withPreview = w.call("submit", "sgenerate", "s" + StringUtil.escape(
                    "{\"prompt\":\"previewed\",\"steps\":3,\"width\":32,\"height\":32,\"preview\":true}"));
            String previewed = Json.MAPPER.readTree(StringUtil.unescape(withPreview.substring(3))).get("id").asText();
            for (int i = 0; i < 500 && !Json.MAPPER.readTree(StringUtil.unescape(w.call("status", "s" + previewed)
                    .substring(3))).get("state").asText().equals("SUCCEEDED"); i++) {
                Thread.sleep(20);
            }
            String preview = w.call("preview", "s" + previewed);
            assertTrue(preview.startsWith("!ys"), preview);
            JsonNode frame = Json.MAPPER.readTree(StringUtil.unescape(preview.substring(3)));
            assertEquals(3, frame.get("step").asInt(), frame.toString());
            assertEquals(8, ImageIO.read(new ByteArrayInputStream(Base64.getDecoder().decode(frame.get("png")
                    .asText()))).getWidth());
            String noRunner = w.call("submit", "sretouch", "s{}");
            assertTrue(noRunner.contains("NO_RUNNER"), noRunner);
        }
    }

    @Test
    void noReflectionIsReachable() throws Exception {
        try (Py4jWire w = authed()) {
            String getClass = w.call("getClass");
            assertTrue(getClass.startsWith("!x") && getClass.contains("NOT_ALLOWED"), getClass);
            assertTrue(w.call("toString").contains("NOT_ALLOWED"));
            assertTrue(w.call("hashCode").contains("NOT_ALLOWED"));
            // another target: the GatewayServer object Py4J registers by default
            assertTrue(w.send("c", "GATEWAY_SERVER", "shutdown", "e").contains("NOT_ALLOWED"));
            // object references as arguments
            assertTrue(w.call("status", "rGATEWAY_SERVER").contains("NOT_ALLOWED"));
            assertTrue(w.call("submit", "sgenerate", "i5").contains("BAD_ARGUMENTS"));
            assertTrue(w.call("version").startsWith("!ys"), "the connection still serves the façade");
        }
        String[][] commands = {
            {"r", "u", "java.lang.Runtime", "rj", "e"},            // reflection: look up a class
            {"j", "i", "rj", "java.lang.*", "e"},                   // JVM view import
            {"i", "java.lang.ProcessBuilder", "e"},                 // constructor
            {"f", "t", "token", "e"},                               // field access
            {"a", "c", "java.lang.String", "i1", "e"},             // array creation
            {"s", "e"},                                             // shut the gateway down
            {"d", "m", "t", "e"},                                   // dir
        };
        for (String[] cmd : commands) {
            try (Py4jWire w = authed()) {
                String answer = w.send(cmd);
                assertTrue(answer.startsWith("!x") && answer.contains("NOT_ALLOWED"), cmd[0] + " → " + answer);
                assertTrue(w.closedByServer());
            }
        }
        try (Py4jWire w = authed()) {
            assertTrue(w.call("version").startsWith("!ys"), "the gateway survived every refused command");
        }
    }

    @Test
    void silentClientIsDroppedAfterTheAuthTimeout() throws Exception {
        GuardedGatewayServer gw = new GuardedGatewayServer(new GatewayEntryPoint(null, null, null, null, null),
                InetAddress.getLoopbackAddress(), 0, "secret", 1024,
                new GatewayLimits(Duration.ofMillis(300), Duration.ofSeconds(1), 16, 64));
        gw.start(true);
        try (Py4jWire w = new Py4jWire(gw.getListeningPort())) {
            long t0 = System.currentTimeMillis();
            assertTrue(w.closedByServer());
            assertTrue(System.currentTimeMillis() - t0 < 5000);
        } finally {
            gw.shutdown();
        }
    }

    @Test
    void overlongLinesAreCutOff() throws Exception {
        try (Py4jWire w = new Py4jWire(server.py4jPort())) {
            assertNull(w.send("A", "x".repeat(10_000)));
        }
    }
}
