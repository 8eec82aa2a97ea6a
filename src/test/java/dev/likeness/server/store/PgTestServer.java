package dev.likeness.server.store;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * A PostgreSQL server of the tests' own (initdb in a temporary folder, loopback, trust), started once per test JVM;
 * each test class makes its own database. Skipped where PostgreSQL is not installed, unless
 * LIKENESS_REQUIRE_POSTGRES=1 (CI) makes that a failure.
 */
public final class PgTestServer {
    private static PgTestServer instance;
    private final Path bin;
    private final Path data;
    private final int port;
    private final boolean asPostgresUser;

    private PgTestServer(Path bin, Path data, int port, boolean asPostgresUser) {
        this.bin = bin;
        this.data = data;
        this.port = port;
        this.asPostgresUser = asPostgresUser;
    }

    public static synchronized PgTestServer get() throws Exception {
        if (instance == null) {
            Path bin = findBin();
            if (bin == null) {
                if ("1".equals(System.getenv("LIKENESS_REQUIRE_POSTGRES"))) {
                    throw new AssertionError("PostgreSQL is required (LIKENESS_REQUIRE_POSTGRES=1) but initdb was "
                            + "not found under /usr/lib/postgresql/*/bin or $LIKENESS_PG_BIN");
                }
                Assumptions.assumeTrue(false, "PostgreSQL is not installed");
            }
            boolean root = "root".equals(System.getProperty("user.name"));
            Path data = Files.createTempDirectory("likeness-pg-");
            PgTestServer s = new PgTestServer(bin, data, freePort(), root);
            if (root) {
                s.run(List.of("chown", "postgres:postgres", data.toString()), false);
            }
            s.run(List.of(bin.resolve("initdb").toString(), "-D", data.resolve("db").toString(), "-U", "likeness",
                    "--auth=trust", "-E", "UTF8", "--no-sync"), true);
            s.start();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    s.stop();
                    deleteTree(data);
                } catch (Exception ignored) {
                    // the JVM is going away
                }
            }));
            instance = s;
        }
        return instance;
    }

    public void start() throws Exception {
        run(List.of(bin.resolve("pg_ctl").toString(), "-D", data.resolve("db").toString(), "-l",
                data.resolve("log").toString(), "-w", "-t", "60", "-o", "-p " + port + " -k " + data
                        + " -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200", "start"), true);
    }

    /** A fast shutdown: clients are disconnected at once. */
    public void stop() throws Exception {
        run(List.of(bin.resolve("pg_ctl").toString(), "-D", data.resolve("db").toString(), "-m", "fast", "-w",
                "stop"), true);
    }

    public int port() {
        return port;
    }

    /** A new empty database, and the store URL that reaches it. */
    public StoreUrl createDatabase(String prefix) throws Exception {
        String name = prefix + "_" + Long.toHexString(System.nanoTime());
        Properties p = new Properties();
        p.setProperty("user", "likeness");
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/postgres", p);
                Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE " + name);
        }
        return new StoreUrl("likeness", "127.0.0.1", port, name);
    }

    public static StoreSettings settings(StoreUrl url, String node, Path shared, Duration lease) {
        return new StoreSettings(url, null, shared, node, "localhost", "cpu", 4096, lease, Duration.ofSeconds(2),
                StoreSettings.DEFAULT_TABLE_LIMIT, Duration.ofSeconds(60));
    }

    private void run(List<String> command, boolean asPostgres) throws Exception {
        List<String> cmd = new ArrayList<>();
        if (asPostgres && asPostgresUser) {
            cmd.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        cmd.addAll(command);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException(String.join(" ", cmd) + " failed: " + out);
        }
    }

    private static Path findBin() throws IOException {
        String env = System.getenv("LIKENESS_PG_BIN");
        if (env != null && Files.isExecutable(Path.of(env, "initdb"))) {
            return Path.of(env);
        }
        Path root = Path.of("/usr/lib/postgresql");
        if (!Files.isDirectory(root)) {
            return null;
        }
        try (Stream<Path> versions = Files.list(root)) {
            return versions.map(v -> v.resolve("bin")).filter(b -> Files.isExecutable(b.resolve("initdb")))
                    .max(Comparator.comparing(Path::toString)).orElse(null);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
