package dev.likeness.pipeline.preview;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** At most one preview per interval, the first and the last always; previews keep the image's aspect. */
class PreviewThrottleTest {
    @Test
    void onePerIntervalFirstAndLastAlways() {
        AtomicLong now = new AtomicLong(0);
        PreviewThrottle t = new PreviewThrottle(500, now::get);
        assertTrue(t.allow(false), "the first step gets a preview");
        now.set(499_000_000L);
        assertFalse(t.allow(false));
        now.set(500_000_000L);
        assertTrue(t.allow(false));
        now.set(600_000_000L);
        assertFalse(t.allow(false));
        assertTrue(t.allow(true), "the last step always gets one");
        assertThrows(IllegalArgumentException.class, () -> new PreviewThrottle(-1, now::get));
    }

    @Test
    void previewSizeFitsTheLongerSideKeepingTheAspect() {
        assertArrayEquals(new int[] {64, 48}, LivePreview.size(64, 48, 256));
        assertArrayEquals(new int[] {256, 256}, LivePreview.size(512, 512, 256));
        assertArrayEquals(new int[] {256, 171}, LivePreview.size(768, 512, 256));
        assertArrayEquals(new int[] {1, 256}, LivePreview.size(8, 2048, 256));
    }
}
