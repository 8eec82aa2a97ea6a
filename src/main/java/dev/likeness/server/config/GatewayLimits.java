package dev.likeness.server.config;

import java.time.Duration;

/**
 * Py4J gateway connection limits.
 *
 * @param authDeadline   a connection must authenticate within this time from connect (a fixed deadline: bytes
 *                       trickling in do not extend it)
 * @param idleTimeout    an authenticated connection with no command for this long is closed
 * @param maxPendingAuth most connections that are not yet authenticated (beyond: refused at accept)
 * @param maxConnections most connections in all (beyond: refused at accept)
 */
public record GatewayLimits(Duration authDeadline, Duration idleTimeout, int maxPendingAuth, int maxConnections) {
    public static GatewayLimits defaults() {
        return new GatewayLimits(Duration.ofSeconds(10), Duration.ofMinutes(10), 16, 64);
    }
}
