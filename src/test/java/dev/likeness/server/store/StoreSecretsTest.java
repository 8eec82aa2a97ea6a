package dev.likeness.server.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The store's password never comes from the command line, and a file holding it must be the owner's alone. */
class StoreSecretsTest {
    @TempDir
    Path dir;

    @Test
    void aUrlCarryingAPasswordIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> StoreUrl.parse("postgresql://studio:hunter2@db.lan:5432/likeness"));
        assertTrue(e.getMessage().contains("must not carry a password"), e.getMessage());
        assertFalse(e.getMessage().contains("hunter2"));
    }

    @Test
    void urlsParseToTheirParts() {
        StoreUrl u = StoreUrl.parse("postgresql://studio@db.lan/likeness");
        assertEquals(new StoreUrl("studio", "db.lan", 5432, "likeness"), u);
        assertEquals("jdbc:postgresql://db.lan:5432/likeness", u.jdbcUrl());
        assertThrows(IllegalArgumentException.class, () -> StoreUrl.parse("mysql://x@h/db"));
        assertThrows(IllegalArgumentException.class, () -> StoreUrl.parse("postgresql://x@h/db?password=p"));
        assertThrows(IllegalArgumentException.class, () -> StoreUrl.parse("postgresql://x@h/"));
    }

    @Test
    void aPasswordFileOthersCanReadIsRefused() throws Exception {
        Path f = dir.resolve("pw");
        Files.writeString(f, "s3cret\n");
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r--r--"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> StorePassword.resolve(f, Map.of()));
        assertTrue(e.getMessage().contains("chmod 600"), e.getMessage());
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
        assertEquals("s3cret", StorePassword.resolve(f, Map.of(StorePassword.ENV, "other")));
    }

    @Test
    void thePasswordComesFromTheEnvironmentOrNowhere() throws Exception {
        assertEquals("p", StorePassword.resolve(null, Map.of(StorePassword.ENV, "p")));
        assertNull(StorePassword.resolve(null, Map.of()));
    }

    @Test
    void settingsNeverPrintThePassword() {
        StoreSettings s = PgTestServer.settings(new StoreUrl("u", "h", 1, "d"), "n", null,
                StoreSettings.DEFAULT_LEASE);
        StoreSettings withSecret = new StoreSettings(s.url(), "hunter2", null, "n", "h", "cpu", 1, s.lease(),
                s.preferLoadedModelFor(), s.tableLimit(), s.reconnectFor());
        assertFalse(withSecret.toString().contains("hunter2"));
    }
}
