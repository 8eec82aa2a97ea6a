package dev.likeness.server.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import org.junit.jupiter.api.Test;

/** How runner failures are reported: OOM recognised, runner codes kept, no server directories leaked. */
class GpuErrorsTest {
    @Test
    void cudaOutOfMemoryFromDjlIsRecognisedThroughCauses() {
        JobError e = GpuErrors.classify(new RuntimeException("step failed",
                new ai.djl.engine.EngineException("CUDA out of memory. Tried to allocate 20.00 MiB")));
        assertEquals("GPU_OUT_OF_MEMORY", e.code());
        assertTrue(e.message().contains("Tried to allocate 20.00 MiB"));
    }

    @Test
    void runnerCodesArePassedThrough() {
        assertEquals(new JobError("BAD_DATASET", "need 3 images"),
                GpuErrors.classify(new IllegalStateException(new JobFailure("BAD_DATASET", "need 3 images"))));
    }

    @Test
    void directoriesAreStrippedFromMessages() {
        JobError e = GpuErrors.classify(new IOException("cannot read /home/ann/.config/likeness/jobs/j1/x.png: denied"));
        assertEquals("JOB_FAILED", e.code());
        assertEquals("cannot read x.png: denied", e.message());
        assertEquals("bad m.safetensors", GpuErrors.withoutDirectories("bad C:\\Users\\ann\\m.safetensors"));
        assertEquals("steps must be 1/2 of x", GpuErrors.withoutDirectories("steps must be 1/2 of x"));
    }

    /** Issue 17: users see a message and a code; Java class names go to the log only. */
    @Test
    void javaClassNamesNeverReachTheUser() {
        Exception wrapped = new IllegalStateException(new dev.likeness.engine.weights.WeightsFormatException(
                "/models/m.safetensors: invalid safetensors header"));
        JobError e = GpuErrors.classify(wrapped);
        assertEquals("JOB_FAILED", e.code());
        assertEquals("m.safetensors: invalid safetensors header", e.message());
        assertEquals("bad value", GpuErrors.classify(new RuntimeException(
                "java.lang.IllegalArgumentException: bad value")).message());
        assertEquals("loading failed: no weights", GpuErrors.classify(new RuntimeException(
                "loading failed: dev.likeness.engine.weights.WeightsFormatException: no weights")).message());
        String none = GpuErrors.classify(new NullPointerException()).message();
        assertTrue(!none.contains("NullPointerException") && !none.isBlank(), none);
    }
}
