package dev.likeness.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import dev.likeness.cli.LocalEngine;
import dev.likeness.server.LikenessServer;
import dev.likeness.server.support.Chromium;
import dev.likeness.server.support.RawHttp;
import dev.likeness.server.support.TestServers;
import dev.likeness.testing.Golden;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The web page in a real browser (Debian's chromium, headless): log in, watch a training job's samples arrive as
 * previews in the queue, open the concept's curve and samples; screenshots go to target/web-screenshots (CI keeps
 * them; the README shows them). CI sets LIKENESS_REQUIRE_BROWSER=1, so a missing browser fails there.
 */
class WebPageBrowserTest {
    private static final Path SHOTS = Path.of("target/web-screenshots");

    @TempDir
    Path dir;

    @Test
    void logInWatchAJobAndOpenAConceptsCurve() throws Exception {
        if (Chromium.binary() == null) {
            if ("1".equals(System.getenv("LIKENESS_REQUIRE_BROWSER"))) {
                fail("chromium is required (LIKENESS_REQUIRE_BROWSER=1) but not installed");
            }
            Assumptions.assumeTrue(false, "no chromium on this machine");
        }
        try (LikenessServer server = LikenessServer.start(TestServers.config(dir.resolve("data"))
                .withModel(Golden.model("sd1")), new LocalEngine());
                Chromium browser = Chromium.start(dir.resolve("profile"))) {
            RawHttp http = TestServers.client(server);
            String url = "http://127.0.0.1:" + server.port() + "/";
            browser.navigate(url);
            browser.await("document.body.dataset.state === 'login'", 30_000); // once the page has loaded
            assertEquals(401, browser.eval("fetch('/api/v1/jobs').then(r => r.status)").asInt(), "no data before login");

            browser.eval("document.getElementById('token').value = 'wrong';"
                    + "document.getElementById('login-form').requestSubmit(); true");
            browser.await("document.getElementById('login-error').textContent.includes('not this server')", 10_000);
            browser.eval("document.getElementById('token').value = '" + server.token() + "';"
                    + "document.getElementById('login-form').requestSubmit(); true");
            browser.await("document.body.dataset.state === 'ready'", 30_000);
            JsonNode cookie = null;
            for (JsonNode c : browser.cookies(url)) {
                if (c.get("name").asText().equals("likeness_session")) {
                    cookie = c;
                }
            }
            assertTrue(cookie != null && cookie.get("httpOnly").asBoolean() && cookie.get("sameSite").asText()
                    .equals("Strict"), String.valueOf(cookie));
            assertFalse(browser.eval("document.cookie").asText().contains("likeness_session"), "not script-visible");
            assertFalse(browser.eval("JSON.stringify(localStorage) + JSON.stringify(sessionStorage)").asText()
                    .contains(server.token()), "the token is not kept in the browser");

            String image = TestServers.uploadSubject(http, 0);
            RawHttp.Response submit = http.postJson("/api/v1/jobs/personalize", "{\"method\":\"textual-inversion\","
                    + "\"name\":\"web-dog\",\"token\":\"<web-dog>\",\"classWord\":\"dog\",\"images\":[\"" + image
                    + "\"],\"steps\":120,\"samples\":6,\"sampleSteps\":6,\"options\":{\"gradAccum\":1}}");
            assertEquals(202, submit.status(), submit.text());
            String id = submit.json().get("id").asText();
            String row = "document.querySelector('#queue [data-job=\"" + id + "\"]')";
            browser.await(row + " && " + row + ".querySelector('.job-preview img')", 120_000);
            browser.await(row + " && " + row + ".querySelector('.what').textContent.includes('loss')", 60_000);
            browser.screenshot(SHOTS.resolve("queue.png"));

            TestServers.awaitFinished(http, id, 300_000);
            String card = "document.querySelector('[data-concept=\"web-dog\"]')";
            browser.await(card + " && " + card + ".querySelector('img').naturalWidth > 0", 30_000);
            browser.eval(card + ".querySelector('button.curve').click(); true");
            browser.await("document.getElementById('concept-detail').dataset.ready === 'true'", 30_000);
            assertEquals("120", browser.eval("document.getElementById('curve').dataset.points").asText());
            assertEquals(6, browser.eval("document.querySelectorAll('#samples img').length").asInt());
            browser.await("[...document.querySelectorAll('#samples img')].every(i => i.naturalWidth > 0)", 30_000);
            int drawn = browser.eval("(() => { const c = document.getElementById('curve');"
                    + " const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data; let n = 0;"
                    + " for (let i = 0; i < d.length; i += 4) if (d[i + 2] > 200) n++; return n; })()").asInt();
            assertTrue(drawn > 200, "the moving average is drawn: " + drawn + " pixels");
            browser.await("document.querySelector('#history [data-job=\"" + id + "\"]')", 10_000);
            browser.screenshot(SHOTS.resolve("concept.png"));

            browser.eval("document.getElementById('logout').click(); true");
            browser.await("document.body.dataset.state === 'login'", 10_000);
            assertEquals(401, browser.eval("fetch('/api/v1/jobs').then(r => r.status)").asInt(), "logged out");
        }
    }
}
