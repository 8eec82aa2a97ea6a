package dev.likeness.server.store;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * Versioned SQL migrations ({@code V<n>__*.sql} beside this class), applied in order under an advisory lock so that
 * fronts and workers starting together migrate once. A store newer than this build is refused.
 */
final class StoreSchema {
    static final List<String> MIGRATIONS = List.of("V1__jobs.sql", "V2__memory_fit.sql");
    private static final long LOCK = 0x4c696b656e657373L; // "Likeness"

    private StoreSchema() {}

    static void migrate(Database db) {
        db.transaction(c -> {
            try (Statement st = c.createStatement()) {
                st.execute("SELECT pg_advisory_xact_lock(" + LOCK + ")");
                st.execute("CREATE TABLE IF NOT EXISTS likeness_schema (version int PRIMARY KEY, "
                        + "applied timestamptz NOT NULL DEFAULT now())");
                int current;
                try (ResultSet rs = st.executeQuery("SELECT coalesce(max(version), 0) FROM likeness_schema")) {
                    rs.next();
                    current = rs.getInt(1);
                }
                if (current > MIGRATIONS.size()) {
                    throw new StoreException("the store at " + db.url() + " has schema version " + current
                            + ", newer than this build knows (" + MIGRATIONS.size() + "): update Likeness", null);
                }
                for (int v = current + 1; v <= MIGRATIONS.size(); v++) {
                    st.execute(sql(MIGRATIONS.get(v - 1)));
                    st.execute("INSERT INTO likeness_schema (version) VALUES (" + v + ")");
                }
            }
            return null;
        });
    }

    static int version(Database db) {
        return db.transaction(c -> {
            try (Statement st = c.createStatement();
                    ResultSet rs = st.executeQuery("SELECT coalesce(max(version), 0) FROM likeness_schema")) {
                rs.next();
                return rs.getInt(1);
            }
        });
    }

    private static String sql(String name) {
        try (InputStream in = StoreSchema.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("migration " + name + " is missing from this build");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("migration " + name + " could not be read", e);
        }
    }
}
