package dev.likeness.server.config;

/**
 * Input limits, all checked before the expensive work they protect (reading, decoding, queueing).
 *
 * @param maxJsonBytes     largest JSON request body
 * @param maxUploadBytes   largest PNG upload body
 * @param maxImageSide     largest width or height of an uploaded image, read from the PNG header
 * @param maxImagePixels   largest width × height of an uploaded image
 * @param maxImagesPerJob  most input images one job may reference
 * @param maxPromptChars   longest prompt or negative prompt
 * @param maxPendingUploads most uploads kept waiting for a job
 * @param maxQueuedJobs    most jobs waiting in the queue (beyond: 429)
 * @param maxEventStreams  most concurrent progress streams
 */
public record Limits(long maxJsonBytes, long maxUploadBytes, int maxImageSide, long maxImagePixels,
        int maxImagesPerJob, int maxPromptChars, int maxPendingUploads, int maxQueuedJobs, int maxEventStreams) {

    public static Limits defaults() {
        return new Limits(1 << 20, 48L << 20, 4096, 4096L * 4096, 64, 2000, 256, 64, 32);
    }

    public Limits withMaxUploadBytes(long bytes) {
        return new Limits(maxJsonBytes, bytes, maxImageSide, maxImagePixels, maxImagesPerJob, maxPromptChars,
                maxPendingUploads, maxQueuedJobs, maxEventStreams);
    }

    public Limits withMaxQueuedJobs(int jobs) {
        return new Limits(maxJsonBytes, maxUploadBytes, maxImageSide, maxImagePixels, maxImagesPerJob, maxPromptChars,
                maxPendingUploads, jobs, maxEventStreams);
    }
}
