package dev.likeness.server.store;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Properties;
import java.util.logging.Logger;

/**
 * Connections to the store, each unit of work in its own transaction. When PostgreSQL goes away (restart, network)
 * a unit is retried on a fresh connection with back-off for up to {@code reconnectFor}; every unit is written so a
 * retry after a lost commit does no harm (ids chosen before the insert, updates conditional on the lease).
 */
public final class Database implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(Database.class.getName());
    private final StoreUrl url;
    private final Properties properties;
    private final Duration reconnectFor;
    private final ArrayDeque<Connection> idle = new ArrayDeque<>();
    private volatile boolean closed;

    /** A unit of work on one connection; it commits when this returns. */
    public interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    public Database(StoreUrl url, String password, Duration reconnectFor) {
        this.url = url;
        this.properties = url.properties(password);
        this.reconnectFor = reconnectFor;
    }

    public StoreUrl url() {
        return url;
    }

    /** Runs {@code work} in a transaction, reconnecting and retrying while the store is unreachable. */
    public <T> T transaction(Work<T> work) {
        long deadline = System.nanoTime() + reconnectFor.toNanos();
        long backoff = 100;
        boolean warned = false;
        while (true) {
            Connection c = null;
            try {
                c = borrow();
                T out = work.run(c);
                c.commit();
                give(c);
                if (warned) {
                    LOG.info("the store at " + url + " is back");
                }
                return out;
            } catch (SQLException e) {
                discard(c);
                if (!transient_(e) || closed || System.nanoTime() > deadline) {
                    throw new StoreException(describe(e), e);
                }
                if (!warned) {
                    LOG.warning("the store at " + url + " is unreachable (" + e.getSQLState() + "); retrying");
                    warned = true;
                }
                sleep(backoff);
                backoff = Math.min(2000, backoff * 2);
            }
        }
    }

    /** A connection of its own (LISTEN); the caller closes it. */
    Connection open() throws SQLException {
        Connection c = DriverManager.getConnection(url.jdbcUrl(), properties);
        c.setAutoCommit(true);
        return c;
    }

    /** Connection lost, server shutting down or restarting, or a serialization conflict: worth another try. */
    static boolean transient_(SQLException e) {
        String state = e.getSQLState();
        return state == null || state.startsWith("08") || state.startsWith("57P") || state.equals("40001")
                || state.equals("40P01") || state.equals("53300");
    }

    private static String describe(SQLException e) {
        String state = e.getSQLState();
        String text = e.getMessage() == null ? "" : e.getMessage();
        if (state != null && state.startsWith("28") || text.contains("no password was provided")) {
            return "the store refused the login (check the user and LIKENESS_STORE_PASSWORD / --store-password-file)";
        }
        if (state != null && (state.startsWith("08") || state.startsWith("57P"))) {
            return "the store is unreachable: " + firstLine(e.getMessage());
        }
        return "store error " + state + ": " + firstLine(e.getMessage());
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    private Connection borrow() throws SQLException {
        synchronized (idle) {
            Connection c = idle.pollFirst();
            if (c != null) {
                return c;
            }
        }
        Connection c = DriverManager.getConnection(url.jdbcUrl(), properties);
        c.setAutoCommit(false);
        return c;
    }

    private void give(Connection c) {
        synchronized (idle) {
            if (!closed && idle.size() < 8) {
                idle.addFirst(c);
                return;
            }
        }
        discard(c);
    }

    private static void discard(Connection c) {
        if (c == null) {
            return;
        }
        try {
            c.rollback();
        } catch (SQLException ignored) {
            // it is being thrown away
        }
        try {
            c.close();
        } catch (SQLException ignored) {
            // it is being thrown away
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreException("interrupted while waiting for the store", null);
        }
    }

    @Override
    public void close() {
        closed = true;
        synchronized (idle) {
            while (!idle.isEmpty()) {
                discard(idle.pollFirst());
            }
        }
    }
}
