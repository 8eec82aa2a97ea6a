package dev.likeness.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.likeness.server.LikenessServer;
import dev.likeness.server.api.ApiException;
import dev.likeness.server.config.DecodeLimits;
import dev.likeness.server.config.Limits;
import dev.likeness.server.security.PngImages;
import dev.likeness.server.support.Pngs;
import dev.likeness.server.support.RawHttp;
import dev.likeness.server.support.TestServers;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.imageio.IIOException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 17 item 3: uploads are admitted from the PNG header (count and decoded bytes) before they are decoded, so
 * concurrent maximum-size uploads (4096² RGBA 16-bit, 127 KB each, 128 MiB decoded) never hold more decoded
 * memory than the budget; the rest get 429 at once, and none is reported as a bad image. Out of memory inside the
 * decoder is a 503, never 400 INVALID_IMAGE.
 */
class UploadAdmissionTest {
    private static final long ONE_IMAGE = 4096L * 4096 * 8;

    @TempDir
    Path dir;

    @Test
    void concurrentMaximumUploadsAreAdmittedWithinTheBudget() throws Exception {
        byte[] png = Pngs.rgba16(4096);
        assertTrue(png.length < 200_000, png.length + " bytes");
        Limits limits = Limits.defaults().withDecodes(new DecodeLimits(4, ONE_IMAGE + (1 << 20)));
        try (LikenessServer server = TestServers.start(TestServers.config(dir).withLimits(limits), 0)) {
            RawHttp http = TestServers.client(server);
            ExecutorService pool = Executors.newFixedThreadPool(48);
            List<Future<RawHttp.Response>> answers = new ArrayList<>();
            for (int i = 0; i < 48; i++) { // the probe's 48 concurrent maximum-size uploads
                answers.add(pool.submit(() -> http.postPng("/api/v1/uploads", png)));
            }
            Map<String, Integer> outcomes = new TreeMap<>();
            for (Future<RawHttp.Response> f : answers) {
                RawHttp.Response r = f.get();
                String key = r.status() + (r.status() == 201 ? "" : " " + r.errorCode());
                outcomes.merge(key, 1, Integer::sum);
                if (r.status() == 429) {
                    assertEquals("5", r.headers().get("retry-after"));
                }
            }
            pool.shutdown();
            for (String k : outcomes.keySet()) {
                assertTrue(k.equals("201") || k.equals("429 TOO_MANY_UPLOADS"), "unexpected answers: " + outcomes);
            }
            assertTrue(outcomes.getOrDefault("201", 0) >= 1, outcomes.toString());
            // the decoder never held more than one image's worth: admission came before the decode
            assertTrue(server.uploadDecodes().peakReservedBytes() <= ONE_IMAGE + (1 << 20));
            // and a retry after the others finished is admitted and decodes (a valid image is never a 400)
            assertEquals(201, http.postPng("/api/v1/uploads", png).status());
        }
    }

    @Test
    void anImageLargerThanTheWholeBudgetIs413BeforeDecoding() throws Exception {
        Limits limits = Limits.defaults().withDecodes(new DecodeLimits(4, 1 << 20));
        try (LikenessServer server = TestServers.start(TestServers.config(dir).withLimits(limits), 0)) {
            RawHttp.Response r = TestServers.client(server).postPng("/api/v1/uploads", Pngs.rgba16(1024));
            assertEquals(413, r.status(), r.text());
            assertEquals("IMAGE_TOO_LARGE", r.errorCode());
            assertEquals(0, server.uploadDecodes().peakReservedBytes());
        }
    }

    @Test
    void outOfMemoryInsideTheDecoderIsNeverABadImage() {
        // the JDK's PNG reader wraps an OutOfMemoryError like this ("Caught exception during read: ")
        ApiException e = PngImages.failure(new IIOException("Caught exception during read: ", new OutOfMemoryError()));
        assertEquals(503, e.status());
        assertEquals("OUT_OF_MEMORY", e.code());
        assertEquals("INVALID_IMAGE", PngImages.failure(new IIOException("Unexpected end of stream")).code());
    }
}
