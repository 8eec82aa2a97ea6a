package dev.likeness.server.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The workers' table: each worker advertises what it runs (kinds, loaded model, device, memory) every second, and
 * claims read it to leave a job for the worker that has its model loaded.
 */
final class StoreWorkers {
    private final Database db;

    /** What a worker tells the others: the kinds it runs, the model it has loaded, its device and memory. */
    record Worker(String id, String host, String device, long memoryBytes, String model, List<String> kinds,
            String running) {}

    StoreWorkers(Database db) {
        this.db = db;
    }

    void advertise(Worker w) {
        db.transaction(c -> {
            try (PreparedStatement st = c.prepareStatement("INSERT INTO likeness_workers (id, host, device, "
                    + "memory_bytes, model, kinds, running, seen) VALUES (?, ?, ?, ?, ?, ?, ?, now()) ON CONFLICT (id) "
                    + "DO UPDATE SET model = excluded.model, kinds = excluded.kinds, running = excluded.running, "
                    + "memory_bytes = excluded.memory_bytes, seen = now()")) {
                st.setString(1, w.id());
                st.setString(2, w.host());
                st.setString(3, w.device());
                st.setLong(4, w.memoryBytes());
                st.setString(5, w.model());
                st.setArray(6, c.createArrayOf("text", w.kinds().toArray()));
                st.setString(7, w.running());
                st.executeUpdate();
            }
            return null;
        });
    }

    void retire(String workerId) {
        db.transaction(c -> {
            try (PreparedStatement st = c.prepareStatement("DELETE FROM likeness_workers WHERE id = ?")) {
                st.setString(1, workerId);
                st.executeUpdate();
            }
            return null;
        });
    }

    /** Workers seen within {@code within}, by id. */
    Map<String, Worker> live(Duration within) {
        return db.transaction(c -> {
            Map<String, Worker> out = new LinkedHashMap<>();
            try (PreparedStatement st = c.prepareStatement("SELECT id, host, device, memory_bytes, model, kinds, "
                    + "running FROM likeness_workers WHERE seen > now() - make_interval(secs => ?) ORDER BY id")) {
                st.setDouble(1, SharedJobs.seconds(within));
                try (ResultSet rs = st.executeQuery()) {
                    while (rs.next()) {
                        String[] kinds = (String[]) rs.getArray(6).getArray();
                        out.put(rs.getString(1), new Worker(rs.getString(1), rs.getString(2), rs.getString(3),
                                rs.getLong(4), rs.getString(5), List.of(kinds), rs.getString(7)));
                    }
                }
            }
            return out;
        });
    }
}
