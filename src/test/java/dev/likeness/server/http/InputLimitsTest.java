package dev.likeness.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.likeness.server.LikenessServer;
import dev.likeness.server.config.Limits;
import dev.likeness.server.support.Pngs;
import dev.likeness.server.support.RawHttp;
import dev.likeness.server.support.TestServers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The checklist's input rows (V1-V9): body and image limits, malformed input, names used as paths. */
class InputLimitsTest {
    static final long MAX_UPLOAD = 2 << 20;
    @TempDir
    static Path dir;
    static LikenessServer server;
    static RawHttp http;

    @BeforeAll
    static void start() throws Exception {
        server = TestServers.start(TestServers.config(dir).withLimits(Limits.defaults().withMaxUploadBytes(MAX_UPLOAD)),
                0);
        http = TestServers.client(server);
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    @Test
    void oversizedBodyIs413WithContentLength() throws Exception {
        RawHttp.Response r = http.postPng("/api/v1/uploads", new byte[(int) MAX_UPLOAD + 1]);
        assertEquals(413, r.status());
        assertEquals("PAYLOAD_TOO_LARGE", r.errorCode());
        RawHttp.Response json = http.postJson("/api/v1/jobs/generate", "{\"prompt\":\"" + "a".repeat(1 << 20) + "\"}");
        assertEquals(413, json.status());
    }

    @Test
    void oversizedChunkedBodyIs413() throws Exception {
        Map<String, String> h = http.auth();
        h.put("Content-Type", "image/png");
        RawHttp.Response r = http.sendChunked("POST", "/api/v1/uploads", h, MAX_UPLOAD + (1 << 20));
        assertEquals(413, r.status());
    }

    @Test
    void pngBombIsRefusedFromItsHeaderBeforeDecoding() throws Exception {
        byte[] bomb = Pngs.declaring(20000, 20000);
        assertTrue(bomb.length < 4096, "the bomb itself is small: " + bomb.length);
        long heapBefore = usedHeap();
        RawHttp.Response r = http.postPng("/api/v1/uploads", bomb);
        assertEquals(413, r.status());
        assertEquals("IMAGE_TOO_LARGE", r.errorCode());
        assertTrue(r.json().path("error").path("message").asText().contains("20000×20000"));
        // decoding would need 1.2 GB for the pixels alone
        assertTrue(usedHeap() - heapBefore < 200L << 20, "heap grew while refusing the bomb");
    }

    @Test
    void malformedPngsAre400WithAMessage() throws Exception {
        byte[] valid = Pngs.valid(32, 32);
        byte[] truncated = java.util.Arrays.copyOf(valid, valid.length / 2);
        byte[] jpeg = {(byte) 0xff, (byte) 0xd8, (byte) 0xff, (byte) 0xe0, 0, 16, 'J', 'F', 'I', 'F', 0, 1, 1, 0, 0, 1,
                0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
        byte[] random = new byte[500];
        new java.util.Random(1).nextBytes(random);
        for (byte[] bad : new byte[][] {truncated, jpeg, random, new byte[0]}) {
            RawHttp.Response r = http.postPng("/api/v1/uploads", bad);
            assertEquals(400, r.status(), r.text());
            assertEquals("INVALID_IMAGE", r.errorCode());
            assertTrue(r.json().path("error").path("message").asText().length() > 10);
        }
    }

    @Test
    void oversizedTextChunkIsIgnored() throws Exception {
        RawHttp.Response r = http.postPng("/api/v1/uploads", Pngs.withTextBomb(64 << 20));
        assertEquals(201, r.status(), r.text());
        assertEquals(8, r.json().get("width").asInt());
    }

    @Test
    void validUploadIsAccepted() throws Exception {
        RawHttp.Response r = http.postPng("/api/v1/uploads", Pngs.valid(64, 48));
        assertEquals(201, r.status(), r.text());
        assertEquals(64, r.json().get("width").asInt());
        assertEquals(48, r.json().get("height").asInt());
        assertTrue(r.json().get("id").asText().startsWith("up-"));
    }

    @Test
    void uploadNeedsImagePngContentType() throws Exception {
        Map<String, String> h = http.auth();
        h.put("Content-Type", "application/octet-stream");
        assertEquals(415, http.send("POST", "/api/v1/uploads", h, Pngs.valid(8, 8)).status());
    }

    @Test
    void badGenerateFieldsAre400NamingTheField() throws Exception {
        String[][] cases = {
            {"{\"prompt\":\"x\",\"width\":100}", "width"},
            {"{\"prompt\":\"x\",\"height\":0}", "height"},
            {"{\"prompt\":\"x\",\"width\":99999}", "width"},
            {"{\"prompt\":\"x\",\"steps\":100000}", "steps"},
            {"{\"prompt\":\"x\",\"count\":500}", "count"},
            {"{\"prompt\":\"x\",\"guidance\":\"NaN\"}", "guidance"},
            {"{\"prompt\":\"" + "p".repeat(2001) + "\"}", "prompt"},
            {"{\"steps\":10}", "prompt"},
            {"{\"prompt\":\"x\",\"concepts\":[\"../../etc\"]}", "concepts[0]"},
            {"{\"prompt\":\"x\",\"images\":[\"up-doesnotexist\"]}", "images[0]"},
            {"{\"prompt\":\"x\",\"images\":[\"../../secret\"]}", "images[0]"},
        };
        for (String[] c : cases) {
            RawHttp.Response r = http.postJson("/api/v1/jobs/generate", c[0]);
            assertEquals(400, r.status(), c[0] + " → " + r.text());
            assertEquals(c[1], r.json().path("error").path("field").asText(), r.text());
        }
    }

    @Test
    void hostileJsonIs400NotA500() throws Exception {
        String deep = "[".repeat(100_000) + "]".repeat(100_000);
        RawHttp.Response r = http.postJson("/api/v1/jobs/generate", deep);
        assertTrue(r.status() == 400 || r.status() == 413, r.text());
        assertEquals(400, http.postJson("/api/v1/jobs/generate", "{\"prompt\": ").status());
        assertEquals(400, http.postJson("/api/v1/jobs/generate", "[1,2]").status());
        assertEquals(400, http.postJson("/api/v1/jobs/generate", "").status());
    }

    @Test
    void pathTraversalInConceptNamesIsRefused() throws Exception {
        Path secret = dir.resolve("secret.txt");
        Files.writeString(secret, "do not touch");
        String[] names = {"..", "..%2F..%2Fsecret.txt", "%2E%2E", "a%2Fb", "a%5Cb", "C:%5CWindows", "a%00b",
                "x".repeat(300), "UPPER", "%2Fetc%2Fpasswd"};
        for (String n : names) {
            RawHttp.Response get = http.get("/api/v1/concepts/" + n);
            assertTrue(get.status() == 400 || get.status() == 404, n + " → " + get.status());
            RawHttp.Response del = http.delete("/api/v1/concepts/" + n);
            assertTrue(del.status() == 400 || del.status() == 404, n + " → " + del.status());
            RawHttp.Response ren = http.postJson("/api/v1/concepts/" + n + "/rename", "{\"newName\":\"ok\"}");
            assertTrue(ren.status() == 400 || ren.status() == 404, n + " → " + ren.status());
        }
        RawHttp.Response r = http.get("/api/v1/concepts/..%2F..%2Fsecret.txt");
        assertTrue(r.status() == 400 || r.status() == 404);
        assertEquals("do not touch", Files.readString(secret));
        Files.createDirectories(dir.resolve("concepts/real"));
        Files.writeString(dir.resolve("concepts/real/concept.json"), "{\"name\":\"real\"}");
        RawHttp.Response rename = http.postJson("/api/v1/concepts/real/rename", "{\"newName\":\"../../escaped\"}");
        assertEquals(400, rename.status());
        assertEquals("newName", rename.json().path("error").path("field").asText());
        assertTrue(Files.exists(dir.resolve("concepts/real/concept.json")));
    }

    @Test
    void symlinkOutOfTheConceptFolderIsRefused() throws Exception {
        Path outside = dir.resolve("outside");
        Files.createDirectories(outside);
        Files.writeString(outside.resolve("concept.json"), "{\"name\":\"outside\"}");
        Files.createSymbolicLink(dir.resolve("concepts/linked"), outside);
        assertEquals(400, http.get("/api/v1/concepts/linked").status());
        assertEquals(400, http.delete("/api/v1/concepts/linked").status());
        assertTrue(Files.exists(outside.resolve("concept.json")));
    }

    private static long usedHeap() {
        Runtime rt = Runtime.getRuntime();
        return rt.totalMemory() - rt.freeMemory();
    }
}
