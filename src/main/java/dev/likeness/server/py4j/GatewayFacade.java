package dev.likeness.server.py4j;

/**
 * Everything a Py4J client can call, and nothing else. Arguments and results are strings (JSON), ints and PNG
 * bytes, so no live Java object ever crosses the bridge. Failures reach Python as {@code Py4JError} with the
 * message {@code "CODE: message"}.
 */
public interface GatewayFacade {
    /** {@code {"version", "api", "jobKinds", "py4j"}} */
    String version();

    /** Same shape as {@code GET /api/v1/models}. */
    String listModels();

    /** Same shape as {@code GET /api/v1/concepts}. */
    String listConcepts();

    /** Stores a PNG for use by a job; returns {@code {"id", "width", "height", "bytes"}}. */
    String stageImage(byte[] png);

    /** Submits a job of {@code kind} (generate, personalize, retouch) with a JSON spec; returns the job JSON. */
    String submit(String kind, String specJson);

    /** The job JSON (state, progress, error, results with metadata). */
    String status(String jobId);

    /** Cancels a job; returns the job JSON. */
    String cancel(String jobId);

    /** The PNG bytes of result {@code index} of a job. */
    byte[] result(String jobId, int index);

    /**
     * The job's latest live preview, {@code {"step", "total", "image", "width", "height", "png"}} (PNG in base64),
     * for a generate job submitted with {@code "preview": true}; 404 NO_PREVIEW before the first one. Python polls
     * this: the gateway never calls back into Python.
     */
    String preview(String jobId);
}
