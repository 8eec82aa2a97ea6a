package dev.likeness.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.likeness.server.LikenessServer;
import dev.likeness.server.config.Limits;
import dev.likeness.server.support.Pngs;
import dev.likeness.server.support.RawHttp;
import dev.likeness.server.support.TestServers;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The documented count limits (256 pending uploads, 64 images per job), enforced at smaller values for the test. */
class CountLimitsTest {
    @TempDir
    Path dir;

    @Test
    void pendingUploadsAndImagesPerJobAreCapped() throws Exception {
        try (LikenessServer server = TestServers.start(TestServers.config(dir)
                .withLimits(Limits.defaults().withCounts(2, 3)), 0)) {
            RawHttp http = TestServers.client(server);
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                RawHttp.Response r = http.postPng("/api/v1/uploads", Pngs.valid(8, 8));
                assertEquals(201, r.status(), r.text());
                ids.add(r.json().get("id").asText());
            }
            RawHttp.Response fourth = http.postPng("/api/v1/uploads", Pngs.valid(8, 8));
            assertEquals(429, fourth.status(), fourth.text());
            assertEquals("TOO_MANY_UPLOADS", fourth.errorCode());

            RawHttp.Response job = http.postJson("/api/v1/jobs/personalize", "{\"method\":\"textual-inversion\","
                    + "\"name\":\"cap\",\"classWord\":\"dog\",\"images\":[\"" + String.join("\",\"", ids) + "\"]}");
            assertEquals(413, job.status(), job.text());
            assertEquals("TOO_MANY_IMAGES", job.errorCode());
        }
    }
}
