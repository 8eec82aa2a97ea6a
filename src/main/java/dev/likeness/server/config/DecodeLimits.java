package dev.likeness.server.config;

/**
 * How many image decodes may run at once, and how many decoded bytes they may hold together. A decode is admitted
 * (or refused with 429) from the PNG header before any pixel is inflated, so concurrent maximum-size uploads cannot
 * exhaust the heap.
 *
 * @param maxConcurrent most decodes at once
 * @param budgetBytes   most decoded bytes (width × height × channels × bytes per sample, from the IHDR) at once
 */
public record DecodeLimits(int maxConcurrent, long budgetBytes) {
    public DecodeLimits {
        if (maxConcurrent < 1 || budgetBytes < 1) {
            throw new IllegalArgumentException("decode limits must be positive");
        }
    }

    /** 4 decodes and a quarter of the maximum heap (at least one 4096² RGBA 16-bit image, 128 MiB). */
    public static DecodeLimits defaults() {
        return new DecodeLimits(4, Math.max(128L << 20, Runtime.getRuntime().maxMemory() / 4));
    }
}
