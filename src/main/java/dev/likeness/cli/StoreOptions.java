package dev.likeness.cli;

import dev.likeness.server.config.ServerConfig;
import dev.likeness.server.store.StorePassword;
import dev.likeness.server.store.StoreSettings;
import dev.likeness.server.store.StoreUrl;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Option;

/** The studio store options {@code serve} and {@code worker} share. */
final class StoreOptions {
    @Option(names = "--store", paramLabel = "URL",
            description = "Studio mode: the shared job queue on PostgreSQL, postgresql://user@host:5432/likeness. "
                    + "The password comes from $" + StorePassword.ENV + " or --store-password-file, never the URL.")
    String store;

    @Option(names = "--store-password-file", paramLabel = "FILE",
            description = "File (owner-only, chmod 600) holding the store's password on one line.")
    Path passwordFile;

    @Option(names = "--shared", paramLabel = "DIR",
            description = "Folder every front and worker mounts: the concept library (DIR/concepts) and files too "
                    + "large for PostgreSQL (DIR/blobs, e.g. full DreamBooth checkpoints).")
    Path shared;

    @Option(names = "--lease", paramLabel = "SECONDS", defaultValue = "30",
            description = "How long a worker's claim on a job lasts without a renewal (renewed every second); "
                    + "a killed worker's job moves on after this. Default: ${DEFAULT-VALUE}.")
    int leaseSeconds;

    @Option(names = "--node", paramLabel = "NAME",
            description = "This process's name among the workers. Default: host name and process id.")
    String node;

    /** What this process computes on, as workers advertise it. */
    static String device() {
        return "cpu, " + Runtime.getRuntime().availableProcessors() + " cores";
    }

    @Option(names = "--memory-gb", paramLabel = "GB",
            description = "Memory this worker has for jobs (on a GPU box: the GPU's); it claims no job whose "
                    + "minMemoryGb is larger. Default: this machine's memory.")
    Double memoryGb;

    private long memoryMb() {
        if (memoryGb != null) {
            if (memoryGb <= 0 || memoryGb > 4096) {
                throw new IllegalArgumentException("--memory-gb must be above 0 and at most 4096");
            }
            return Math.round(memoryGb * 1024);
        }
        java.lang.management.OperatingSystemMXBean os = java.lang.management.ManagementFactory
                .getOperatingSystemMXBean();
        return os instanceof com.sun.management.OperatingSystemMXBean sun ? sun.getTotalMemorySize() >> 20
                : Runtime.getRuntime().maxMemory() >> 20;
    }

    boolean enabled() {
        return store != null;
    }

    StoreSettings settings(String device) throws IOException {
        if (leaseSeconds < 2 || leaseSeconds > 3600) {
            throw new IllegalArgumentException("--lease must be between 2 and 3600 seconds");
        }
        String host = InetAddress.getLocalHost().getHostName();
        String id = node != null ? node : host + "-" + ProcessHandle.current().pid();
        if (!id.matches("[A-Za-z0-9._-]{1,64}")) {
            throw new IllegalArgumentException("--node must be 1-64 letters, digits or . _ -");
        }
        return new StoreSettings(StoreUrl.parse(store), StorePassword.resolve(passwordFile, System.getenv()),
                shared == null ? null : shared.toAbsolutePath(), id, host, device, memoryMb(),
                Duration.ofSeconds(leaseSeconds),
                Duration.ofSeconds(10), StoreSettings.DEFAULT_TABLE_LIMIT, Duration.ofMinutes(10));
    }

    /** With a shared folder, the concept library is the one in it, the same for every front and worker. */
    ServerConfig withSharedConcepts(ServerConfig config) {
        return shared == null ? config : config.withConceptsDir(shared.toAbsolutePath().resolve("concepts"));
    }
}
