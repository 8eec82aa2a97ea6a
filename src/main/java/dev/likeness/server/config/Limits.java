package dev.likeness.server.config;

import java.time.Duration;

/**
 * Input limits, all checked before the expensive work they protect (reading, decoding, queueing).
 *
 * @param maxJsonBytes      largest JSON request body
 * @param maxUploadBytes    largest PNG upload body
 * @param maxImageSide      largest width or height of an uploaded image, read from the PNG header
 * @param maxImagePixels    largest width × height of an uploaded image
 * @param maxImagesPerJob   most input images one job may reference
 * @param maxPromptChars    longest prompt or negative prompt
 * @param maxPendingUploads most uploads kept waiting for a job
 * @param maxQueuedJobs     most jobs waiting in the queue (beyond: 429)
 * @param maxEventStreams   most concurrent progress streams (beyond: 429)
 * @param eventStreamIdle   a progress stream whose job has not changed for this long is closed (keep-alives do not
 *                          count); the client reconnects or polls
 * @param decodes           admission of image decodes (uploads and the Py4J gateway), by count and decoded bytes
 * @param gateway           Py4J connection limits
 */
public record Limits(long maxJsonBytes, long maxUploadBytes, int maxImageSide, long maxImagePixels,
        int maxImagesPerJob, int maxPromptChars, int maxPendingUploads, int maxQueuedJobs, int maxEventStreams,
        Duration eventStreamIdle, DecodeLimits decodes, GatewayLimits gateway) {

    public static Limits defaults() {
        return new Limits(1 << 20, 48L << 20, 4096, 4096L * 4096, 64, 2000, 256, 64, 32, Duration.ofMinutes(10),
                DecodeLimits.defaults(), GatewayLimits.defaults());
    }

    public Limits withMaxUploadBytes(long bytes) {
        return new Limits(maxJsonBytes, bytes, maxImageSide, maxImagePixels, maxImagesPerJob, maxPromptChars,
                maxPendingUploads, maxQueuedJobs, maxEventStreams, eventStreamIdle, decodes, gateway);
    }

    public Limits withCounts(int imagesPerJob, int pendingUploads) {
        return new Limits(maxJsonBytes, maxUploadBytes, maxImageSide, maxImagePixels, imagesPerJob, maxPromptChars,
                pendingUploads, maxQueuedJobs, maxEventStreams, eventStreamIdle, decodes, gateway);
    }

    public Limits withMaxQueuedJobs(int jobs) {
        return new Limits(maxJsonBytes, maxUploadBytes, maxImageSide, maxImagePixels, maxImagesPerJob, maxPromptChars,
                maxPendingUploads, jobs, maxEventStreams, eventStreamIdle, decodes, gateway);
    }

    public Limits withEventStreams(int max, Duration idle) {
        return new Limits(maxJsonBytes, maxUploadBytes, maxImageSide, maxImagePixels, maxImagesPerJob, maxPromptChars,
                maxPendingUploads, maxQueuedJobs, max, idle, decodes, gateway);
    }

    public Limits withDecodes(DecodeLimits newDecodes) {
        return new Limits(maxJsonBytes, maxUploadBytes, maxImageSide, maxImagePixels, maxImagesPerJob, maxPromptChars,
                maxPendingUploads, maxQueuedJobs, maxEventStreams, eventStreamIdle, newDecodes, gateway);
    }

    public Limits withGateway(GatewayLimits newGateway) {
        return new Limits(maxJsonBytes, maxUploadBytes, maxImageSide, maxImagePixels, maxImagesPerJob, maxPromptChars,
                maxPendingUploads, maxQueuedJobs, maxEventStreams, eventStreamIdle, decodes, newGateway);
    }
}
