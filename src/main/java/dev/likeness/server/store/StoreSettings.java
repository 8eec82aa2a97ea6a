package dev.likeness.server.store;

import java.nio.file.Path;
import java.time.Duration;

/**
 * How a front or worker uses the studio store.
 *
 * @param url                  where PostgreSQL is
 * @param password             its password (from the environment or an owner-only file), or null
 * @param sharedDir            the folder every machine mounts: the concept library and files too large for the
 *                             table; null when there is none (concepts then stay per machine)
 * @param nodeId               this process's name among the workers and fronts
 * @param host                 this machine's name, as workers advertise it
 * @param device               what this worker computes on, as it advertises it
 * @param memoryMb             the memory this worker has for jobs; it claims none that asks for more
 * @param lease                how long a claimed job stays this worker's without a renewal
 * @param preferLoadedModelFor how long a job for a model another worker has loaded waits for that worker
 * @param tableLimit           files up to this size are kept in PostgreSQL, larger ones in {@code sharedDir}
 * @param reconnectFor         how long a store call keeps retrying while PostgreSQL is unreachable
 */
public record StoreSettings(StoreUrl url, String password, Path sharedDir, String nodeId, String host, String device,
        long memoryMb, Duration lease, Duration preferLoadedModelFor, long tableLimit, Duration reconnectFor) {
    public static final Duration DEFAULT_LEASE = Duration.ofSeconds(30);
    public static final long DEFAULT_TABLE_LIMIT = 64L << 20;

    public StoreSettings {
        if (lease.toMillis() < 1000) {
            throw new IllegalArgumentException("the lease must be at least 1 s");
        }
    }

    /**
     * Renewals come every second (at least three times per lease, so two can be lost before another worker takes the
     * job); each also brings a cancel to the worker, so a cancel takes a second at most.
     */
    Duration renewEvery() {
        Duration third = lease.dividedBy(3);
        return third.compareTo(Duration.ofSeconds(1)) < 0 ? third : Duration.ofSeconds(1);
    }

    @Override
    public String toString() {
        return "StoreSettings[" + url + ", node " + nodeId + "]"; // never the password
    }
}
