package dev.likeness.server.jobs;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.util.Map;

/** Where a runner puts finished images. Each image is stored as PNG with its metadata, atomically. */
public interface ResultSink {
    /** Stores the next result image and its metadata (prompt, seed, sampler, steps, concepts, ...). */
    void add(BufferedImage image, Map<String, Object> metadata) throws IOException;

    /** Sets the job's non-image output (e.g. the name of a trained concept, the info of a loaded model). */
    void setOutput(Map<String, Object> output) throws IOException;

    /** Removes results of an interrupted earlier run. */
    void clear() throws IOException;
}
