package dev.likeness.server.uploads;

import dev.likeness.server.api.ApiException;
import dev.likeness.server.config.DecodeLimits;
import dev.likeness.server.security.PngImages;

/**
 * Admits image decodes before they start, from the PNG header: at most {@code maxConcurrent} at once and at most
 * {@code budgetBytes} of decoded pixels held together. A decode that does not fit is refused at once with 429 (the
 * client retries after {@code Retry-After}), so the heap never holds more than the budget of decoded images.
 */
public final class DecodeAdmission {
    private final DecodeLimits limits;
    private int running;
    private long reserved;
    private long peakReserved;

    /** A held admission; close it when the decode is done. */
    public interface Ticket extends AutoCloseable {
        @Override
        void close();
    }

    public DecodeAdmission(DecodeLimits limits) {
        this.limits = limits;
    }

    public Ticket admit(PngImages.Header header) {
        long bytes = header.decodedBytes();
        synchronized (this) {
            if (bytes > limits.budgetBytes()) {
                throw ApiException.tooLarge("IMAGE_TOO_LARGE", "decoding this image needs " + bytes + " bytes, more "
                        + "than this server's decode budget of " + limits.budgetBytes() + " bytes");
            }
            if (running >= limits.maxConcurrent() || reserved + bytes > limits.budgetBytes()) {
                throw new ApiException(429, "TOO_MANY_UPLOADS", "the server is decoding other images right now ("
                        + running + " at once); try again shortly");
            }
            running++;
            reserved += bytes;
            peakReserved = Math.max(peakReserved, reserved);
        }
        boolean[] closed = new boolean[1];
        return () -> {
            synchronized (this) {
                if (!closed[0]) {
                    closed[0] = true;
                    running--;
                    reserved -= bytes;
                }
            }
        };
    }

    /** The most decoded bytes ever admitted at once (tests check it stays within the budget). */
    public synchronized long peakReservedBytes() {
        return peakReserved;
    }
}
