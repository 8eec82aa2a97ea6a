package dev.likeness.server.support;

import dev.likeness.server.LikenessServer;
import java.nio.file.Path;

/** Runs a test server (fake engine) in its own JVM so a test can SIGKILL it. Args: dataDir stepMillis. */
public final class TestServerMain {
    private TestServerMain() {}

    public static void main(String[] args) throws Exception {
        LikenessServer server = TestServers.start(TestServers.config(Path.of(args[0])), Long.parseLong(args[1]));
        Runtime.getRuntime().addShutdownHook(new Thread(() -> { // SIGTERM stops it as `likeness serve` does
            try {
                server.close();
                System.out.println("stopped");
            } catch (Exception e) {
                e.printStackTrace();
            }
        }));
        System.out.println("listening on " + server.port());
        Thread.sleep(Long.MAX_VALUE);
    }
}
