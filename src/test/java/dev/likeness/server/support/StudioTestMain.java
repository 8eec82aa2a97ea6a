package dev.likeness.server.support;

import dev.likeness.server.LikenessServer;
import dev.likeness.server.LikenessWorker;
import dev.likeness.server.config.ServerConfig;
import dev.likeness.server.store.StoreSettings;
import dev.likeness.server.store.StoreUrl;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A studio front or worker on the fake engine in its own JVM (so a test can SIGKILL it).
 * Args: front|worker dataDir storeUrl sharedDir node stepMillis leaseSeconds.
 */
public final class StudioTestMain {
    private StudioTestMain() {}

    public static void main(String[] args) throws Exception {
        Path data = Path.of(args[1]);
        Path shared = Path.of(args[3]);
        StoreSettings settings = new StoreSettings(StoreUrl.parse(args[2]), null, shared, args[4], "localhost", "cpu",
                4096, Duration.ofSeconds(Long.parseLong(args[6])), Duration.ofSeconds(2), StoreSettings.DEFAULT_TABLE_LIMIT,
                Duration.ofSeconds(120));
        ServerConfig config = TestServers.config(data).withConceptsDir(shared.resolve("concepts"));
        FakeEngine engine = new FakeEngine(Long.parseLong(args[5]));
        AutoCloseable running = args[0].equals("front")
                ? LikenessServer.start(config, engine, new LikenessServer.Studio(settings, false, "demo", null))
                : LikenessWorker.start(config, engine, settings, "demo");
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                running.close();
            } catch (Exception e) {
                e.printStackTrace();
            }
        }));
        System.out.println(args[0] + " " + args[4] + " running");
        Thread.sleep(Long.MAX_VALUE);
    }
}
