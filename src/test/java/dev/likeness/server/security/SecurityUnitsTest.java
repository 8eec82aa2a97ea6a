package dev.likeness.server.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.likeness.server.api.ApiException;
import dev.likeness.server.config.Limits;
import dev.likeness.server.support.Pngs;
import java.util.Base64;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Tokens (P6/N11), Host parsing, name checks (V9) and PNG header checks (V2) without a server. */
class SecurityUnitsTest {
    @Test
    void tokensAre32RandomBytes() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 100; i++) {
            String t = Tokens.newToken();
            assertEquals(32, Base64.getUrlDecoder().decode(t).length);
            assertTrue(seen.add(t));
        }
    }

    @Test
    void tokenComparison() {
        String t = Tokens.newToken();
        assertTrue(Tokens.matches(t, new String(t.toCharArray())));
        assertFalse(Tokens.matches(t, t.substring(1)));
        assertFalse(Tokens.matches(t, t + "a"));
        assertFalse(Tokens.matches(t, ""));
        assertFalse(Tokens.matches(t, null));
        assertFalse(Tokens.matches(null, t));
    }

    @Test
    void hostHeaderParsing() {
        assertEquals("localhost", HostCheck.hostName("LocalHost:8080"));
        assertEquals("::1", HostCheck.hostName("[::1]:80"));
        assertEquals("127.0.0.1", HostCheck.hostName("127.0.0.1"));
        assertNull(HostCheck.hostName("[::1"));
        assertNull(HostCheck.hostName("a:b:c"));
        assertNull(HostCheck.hostName("localhost:80x"));
        assertNull(HostCheck.hostName(""));
        HostCheck check = new HostCheck("127.0.0.1", Set.of("my-pc.lan"));
        assertTrue(check.allows("my-pc.lan:7487"));
        assertTrue(check.allows("localhost."));
        assertFalse(check.allows("localhost.evil.example"));
        assertFalse(check.allows(null));
        assertFalse(new HostCheck("0.0.0.0", Set.of()).allows("0.0.0.0"));
    }

    @Test
    void namesThatCouldBePathsAreRefused() {
        for (String bad : new String[] {"..", "../x", "a/b", "a\\b", "C:", "/etc/passwd", "a\0b", "", " x",
                "x".repeat(65), "Upper", ".hidden"}) {
            ApiException e = assertThrows(ApiException.class, () -> SafeName.concept("name", bad), bad);
            assertEquals(400, e.status());
            assertEquals("name", e.field());
        }
        assertEquals("my-cat_2", SafeName.concept("name", "my-cat_2"));
        assertThrows(ApiException.class, () -> SafeName.model("m", "a..b.safetensors"));
        assertEquals("v1-5.safetensors", SafeName.model("m", "v1-5.safetensors"));
    }

    @Test
    void pngHeaderLimitsApplyBeforeDecoding() {
        Limits limits = Limits.defaults();
        ApiException bomb = assertThrows(ApiException.class, () -> PngImages.inspect(Pngs.declaring(20000, 20000),
                limits));
        assertEquals(413, bomb.status());
        ApiException tooMany = assertThrows(ApiException.class, () -> PngImages.inspect(Pngs.declaring(4096, 4097),
                limits));
        assertEquals(413, tooMany.status());
        assertEquals(400, assertThrows(ApiException.class, () -> PngImages.inspect(Pngs.declaring(0, 10), limits))
                .status());
        assertEquals(new PngImages.Header(64, 32, 3, 1), PngImages.inspect(Pngs.valid(64, 32), limits));
        assertEquals(64, PngImages.decode(Pngs.valid(64, 32), limits).getWidth());
        // declares 3000×3000 (within limits) but carries far too little pixel data: a clean 400
        ApiException lying = assertThrows(ApiException.class, () -> PngImages.decode(Pngs.declaring(3000, 3000),
                limits));
        assertEquals(400, lying.status());
    }
}
