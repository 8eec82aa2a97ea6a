package dev.likeness.server.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * LISTEN on one channel over a connection of its own. {@link #await} returns when a NOTIFY arrived or the timeout
 * passed; while the store is unreachable it just waits, so callers poll on a timer either way and a lost
 * notification costs at most one timeout.
 */
final class StoreListener implements AutoCloseable {
    private final Database db;
    private final String channel;
    private Connection connection;

    StoreListener(Database db, String channel) {
        this.db = db;
        this.channel = channel;
    }

    /** True when a notification arrived before {@code timeoutMillis}. */
    boolean await(int timeoutMillis) {
        try {
            if (connection == null) {
                connection = db.open();
                try (Statement st = connection.createStatement()) {
                    st.execute("LISTEN " + channel);
                }
            }
            PGNotification[] got = connection.unwrap(PGConnection.class).getNotifications(timeoutMillis);
            return got != null && got.length > 0;
        } catch (SQLException e) {
            close();
            try {
                Thread.sleep(timeoutMillis);
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
            }
            return false;
        }
    }

    @Override
    public void close() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // going away anyway
            }
            connection = null;
        }
    }
}
