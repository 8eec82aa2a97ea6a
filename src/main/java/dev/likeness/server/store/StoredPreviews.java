package dev.likeness.server.store;

import dev.likeness.pipeline.preview.PreviewFrame;
import java.sql.PreparedStatement;
import java.sql.ResultSet;

/** Each running job's latest live preview, one row per job (a preview is only worth something while it is new). */
final class StoredPreviews {
    private final Database db;

    StoredPreviews(Database db) {
        this.db = db;
    }

    /** Replaces the job's preview while the lease is this worker's; fronts see a new {@code preview_seq}. */
    void put(String id, String worker, PreviewFrame f) {
        db.transaction(c -> {
            try (PreparedStatement st = c.prepareStatement("UPDATE likeness_jobs SET preview_seq = preview_seq + 1, "
                    + SharedJobs.CHANGED + " WHERE id = ? AND lease_owner = ? AND state = 'RUNNING'")) {
                st.setString(1, id);
                st.setString(2, worker);
                if (st.executeUpdate() == 0) {
                    return null;
                }
            }
            try (PreparedStatement st = c.prepareStatement("INSERT INTO likeness_previews (job_id, step, total, image,"
                    + " width, height, png) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (job_id) DO UPDATE SET step = "
                    + "excluded.step, total = excluded.total, image = excluded.image, width = excluded.width, "
                    + "height = excluded.height, png = excluded.png")) {
                st.setString(1, id);
                st.setInt(2, f.step());
                st.setInt(3, f.total());
                st.setInt(4, f.image());
                st.setInt(5, f.width());
                st.setInt(6, f.height());
                st.setBytes(7, f.png());
                st.executeUpdate();
            }
            SharedJobs.notify(c, id);
            return null;
        });
    }

    PreviewFrame latest(String id) {
        return db.transaction(c -> {
            try (PreparedStatement st = c.prepareStatement(
                    "SELECT step, total, image, width, height, png FROM likeness_previews WHERE job_id = ?")) {
                st.setString(1, id);
                try (ResultSet rs = st.executeQuery()) {
                    return rs.next() ? new PreviewFrame(rs.getInt(1), rs.getInt(2), rs.getInt(3), rs.getInt(4),
                            rs.getInt(5), rs.getBytes(6)) : null;
                }
            }
        });
    }
}
