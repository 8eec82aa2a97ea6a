package dev.likeness.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.likeness.server.support.TestServers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** N1/N2: both listening sockets are bound to 127.0.0.1 only; a non-loopback bind needs explicit consent. */
class BindingTest {
    @TempDir
    Path dir;

    @Test
    void httpAndPy4jListenOnLoopbackOnly() throws Exception {
        Path tcp = Path.of("/proc/net/tcp");
        assumeTrue(Files.isReadable(tcp), "needs Linux /proc/net/tcp");
        try (LikenessServer server = TestServers.start(TestServers.config(dir).withPy4jPort(0), 0)) {
            for (int port : new int[] {server.port(), server.py4jPort()}) {
                List<String> all = new java.util.ArrayList<>(listeners(tcp, port));
                Path tcp6 = Path.of("/proc/net/tcp6");
                if (Files.isReadable(tcp6)) {
                    all.addAll(listeners(tcp6, port)); // Java's dual-stack sockets show up here as ::ffff:127.0.0.1
                }
                assertFalse(all.isEmpty(), "a listener on port " + port);
                for (String address : all) {
                    assertTrue(address.equals("0100007F") || address.equals("0000000000000000FFFF00000100007F"),
                            "port " + port + " bound to " + address + ", not 127.0.0.1");
                }
            }
        }
    }

    @Test
    void nonLoopbackBindNeedsAllowRemote() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TestServers.start(TestServers.config(dir).withHost("0.0.0.0", false), 0));
        assertTrue(e.getMessage().contains("--allow-remote"));
        assertFalse(Files.exists(dir.resolve("runtime.json")));
    }

    /** Local addresses (hex) of sockets in LISTEN state (0A) on {@code port}. */
    private static List<String> listeners(Path table, int port) throws Exception {
        String portHex = String.format("%04X", port);
        return Files.readAllLines(table).stream().skip(1).map(String::trim).map(l -> l.split("\\s+"))
                .filter(f -> f[3].equals("0A") && f[1].toUpperCase(Locale.ROOT).endsWith(":" + portHex))
                .map(f -> f[1].substring(0, f[1].indexOf(':'))).toList();
    }
}
