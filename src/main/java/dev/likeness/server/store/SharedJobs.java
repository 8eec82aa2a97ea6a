package dev.likeness.server.store;

import dev.likeness.server.jobs.JobError;
import dev.likeness.server.jobs.JobProgress;
import dev.likeness.server.jobs.JobState;
import dev.likeness.util.Json;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The job table in PostgreSQL. Workers claim with {@code FOR UPDATE SKIP LOCKED} and hold a lease they renew; a job
 * whose lease ran out (its worker was killed or lost) is claimed again. Every write by a worker is conditional on
 * still holding the lease, so a job done twice is stored once. Each visible change takes a new {@code change_seq}
 * and a NOTIFY on {@link #CHANNEL}, which fronts follow.
 */
final class SharedJobs {
    static final String CHANNEL = "likeness_jobs";
    /** After this many claims a job whose worker keeps vanishing fails instead of taking down another one. */
    static final int MAX_ATTEMPTS = 5;
    private static final String COLUMNS = "id, seq, kind, submitter, state, attempts, lease_owner, cancel_requested, "
            + "created, started, finished, error_code, error_message, progress::text, preview_seq, change_seq";
    static final String CHANGED = "change_seq = nextval('likeness_change_seq')";
    private final Database db;

    /** {@code minMemoryMb}: what a worker must have to take the job (null: any worker). */
    record NewJob(String id, String kind, String specJson, List<byte[]> inputs, String submitter, String model,
            Long minMemoryMb) {
        NewJob(String id, String kind, String specJson, List<byte[]> inputs, String submitter, String model) {
            this(id, kind, specJson, inputs, submitter, model, null);
        }
    }

    /** A claimed job: {@code attempt} 1 is the first run, more means an earlier run was interrupted. */
    record Claim(String id, String kind, String specJson, int inputs, int attempt) {}

    record StoredFile(String name, String sha256, long size) {}

    /** The answer to a lease renewal. */
    record Lease(boolean held, boolean cancelRequested) {}

    SharedJobs(Database db) {
        this.db = db;
    }

    Database database() {
        return db;
    }

    /** Stores a new job; a retried insert of the same id stores nothing more. */
    void insert(NewJob job) {
        db.transaction(c -> {
            try (PreparedStatement st = c.prepareStatement("INSERT INTO likeness_jobs (id, seq, kind, spec, inputs, "
                    + "submitter, model, min_memory_mb, state, change_seq) VALUES (?, nextval('likeness_job_seq'), ?, "
                    + "?::jsonb, ?, ?, ?, ?, 'QUEUED', nextval('likeness_change_seq')) ON CONFLICT (id) DO NOTHING")) {
                st.setString(1, job.id());
                st.setString(2, job.kind());
                st.setString(3, job.specJson());
                st.setInt(4, job.inputs().size());
                st.setString(5, job.submitter());
                st.setString(6, job.model());
                st.setObject(7, job.minMemoryMb());
                if (st.executeUpdate() == 0) {
                    return null;
                }
            }
            try (PreparedStatement st = c.prepareStatement(
                    "INSERT INTO likeness_job_inputs (job_id, idx, png) VALUES (?, ?, ?)")) {
                for (int i = 0; i < job.inputs().size(); i++) {
                    st.setString(1, job.id());
                    st.setInt(2, i);
                    st.setBytes(3, job.inputs().get(i));
                    st.addBatch();
                }
                st.executeBatch();
            }
            notify(c, job.id());
            return null;
        });
    }

    long queuedCount() {
        return db.transaction(c -> {
            try (PreparedStatement st = c.prepareStatement("SELECT count(*) FROM likeness_jobs WHERE state = 'QUEUED'");
                    ResultSet rs = st.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }

    /**
     * Claims the next job this worker can run: the oldest waiting one (or one whose lease ran out) of the given
     * kinds whose submitter has nothing earlier unfinished; jobs for the model this worker has loaded first, and a
     * job for a model another live worker has loaded is left to that worker for {@code preferFor}.
     */
    Claim claim(String worker, List<String> kinds, String model, Duration lease, Duration preferFor) {
        return claim(worker, kinds, model, Long.MAX_VALUE, lease, preferFor);
    }

    /** {@link #claim}, skipping jobs that need more than this worker's {@code memoryMb}. */
    Claim claim(String worker, List<String> kinds, String model, long memoryMb, Duration lease, Duration preferFor) {
        return db.transaction(c -> {
            reap(c);
            try (PreparedStatement st = c.prepareStatement("""
                    WITH next AS (
                      SELECT j.id FROM likeness_jobs j
                      WHERE (j.state = 'QUEUED' OR (j.state = 'RUNNING' AND j.lease_expires < now()))
                        AND NOT j.cancel_requested AND j.kind = ANY (?)
                        AND (j.min_memory_mb IS NULL OR j.min_memory_mb <= ?)
                        AND (j.submitter IS NULL OR NOT EXISTS (
                          SELECT 1 FROM likeness_jobs e WHERE e.submitter = j.submitter AND e.seq < j.seq
                            AND e.state IN ('QUEUED', 'RUNNING')))
                        AND (j.model IS NULL OR j.model IS NOT DISTINCT FROM ?
                          OR j.created < now() - make_interval(secs => ?)
                          OR NOT EXISTS (SELECT 1 FROM likeness_workers w WHERE w.model = j.model AND w.id <> ?
                            AND w.seen > now() - make_interval(secs => ?)))
                      ORDER BY (j.model IS NOT DISTINCT FROM ?) DESC, j.seq
                      LIMIT 1 FOR UPDATE OF j SKIP LOCKED)
                    UPDATE likeness_jobs u SET state = 'RUNNING', attempts = u.attempts + 1, lease_owner = ?,
                      lease_expires = now() + make_interval(secs => ?), started = now(), progress = NULL,
                    """ + CHANGED + """
                    \n FROM next WHERE u.id = next.id
                    RETURNING u.id, u.kind, u.spec::text, u.inputs, u.attempts""")) {
                st.setArray(1, c.createArrayOf("text", kinds.toArray()));
                st.setLong(2, memoryMb);
                st.setString(3, model);
                st.setDouble(4, seconds(preferFor));
                st.setString(5, worker);
                st.setDouble(6, seconds(lease) * 2);
                st.setString(7, model);
                st.setString(8, worker);
                st.setDouble(9, seconds(lease));
                try (ResultSet rs = st.executeQuery()) {
                    if (!rs.next()) {
                        return null;
                    }
                    Claim claim = new Claim(rs.getString(1), rs.getString(2), rs.getString(3), rs.getInt(4),
                            rs.getInt(5));
                    notify(c, claim.id());
                    return claim;
                }
            }
        });
    }

    /** Jobs whose lease ran out and that must not run again: cancelled meanwhile, or out of attempts. */
    private static void reap(Connection c) throws SQLException {
        try (PreparedStatement st = c.prepareStatement("UPDATE likeness_jobs SET "
                + "state = CASE WHEN cancel_requested THEN 'CANCELLED' ELSE 'FAILED' END, finished = now(), "
                + "error_code = CASE WHEN cancel_requested THEN 'CANCELLED' ELSE 'WORKER_LOST' END, "
                + "error_message = CASE WHEN cancel_requested THEN 'cancelled by the user' ELSE "
                + "'the job''s worker stopped " + MAX_ATTEMPTS + " times while running it' END, "
                + "lease_owner = NULL, lease_expires = NULL, " + CHANGED + " WHERE state = 'RUNNING' "
                + "AND lease_expires < now() AND (cancel_requested OR attempts >= " + MAX_ATTEMPTS + ") "
                + "RETURNING id")) {
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    notify(c, rs.getString(1));
                }
            }
        }
    }

    List<byte[]> inputs(String id) {
        return db.transaction(c -> {
            List<byte[]> out = new ArrayList<>();
            try (PreparedStatement st = c.prepareStatement(
                    "SELECT png FROM likeness_job_inputs WHERE job_id = ? ORDER BY idx")) {
                st.setString(1, id);
                try (ResultSet rs = st.executeQuery()) {
                    while (rs.next()) {
                        out.add(rs.getBytes(1));
                    }
                }
            }
            return out;
        });
    }

    /** Extends the lease; {@code held} false when another worker has the job now (or it was finished). */
    Lease renew(String id, String worker, Duration lease) {
        return db.transaction(c -> {
            try (PreparedStatement st = c.prepareStatement("UPDATE likeness_jobs SET lease_expires = now() + "
                    + "make_interval(secs => ?) WHERE id = ? AND lease_owner = ? AND state = 'RUNNING' "
                    + "RETURNING cancel_requested")) {
                st.setDouble(1, seconds(lease));
                st.setString(2, id);
                st.setString(3, worker);
                try (ResultSet rs = st.executeQuery()) {
                    return rs.next() ? new Lease(true, rs.getBoolean(1)) : new Lease(false, false);
                }
            }
        });
    }

    void progress(String id, String worker, JobProgress progress) {
        db.transaction(c -> {
            try (PreparedStatement st = c.prepareStatement("UPDATE likeness_jobs SET progress = ?::jsonb, " + CHANGED
                    + " WHERE id = ? AND lease_owner = ? AND state = 'RUNNING'")) {
                st.setString(1, Json.write(progress));
                st.setString(2, id);
                st.setString(3, worker);
                if (st.executeUpdate() > 0) {
                    notify(c, id);
                }
            }
            return null;
        });
    }

    /** Records the work files of the running attempt (checkpoints), while the lease is still this worker's. */
    boolean putWorkFiles(String id, String worker, List<StoredFile> files) {
        return db.transaction(c -> {
            if (!holds(c, id, worker)) {
                return false;
            }
            upsertFiles(c, id, "work", files);
            return true;
        });
    }

    /**
     * Ends the job if this worker still holds it, storing its results in the same transaction; false (and nothing
     * stored) when the lease was lost to another worker meanwhile.
     */
    boolean finish(String id, String worker, JobState state, JobError error, List<StoredFile> results) {
        return db.transaction(c -> {
            try (PreparedStatement st = c.prepareStatement("UPDATE likeness_jobs SET state = ?, finished = now(), "
                    + "error_code = ?, error_message = ?, lease_owner = NULL, lease_expires = NULL, " + CHANGED
                    + " WHERE id = ? AND lease_owner = ? AND state = 'RUNNING'")) {
                st.setString(1, state.name());
                st.setString(2, error == null ? null : error.code());
                st.setString(3, error == null ? null : error.message());
                st.setString(4, id);
                st.setString(5, worker);
                if (st.executeUpdate() == 0) {
                    return false;
                }
            }
            upsertFiles(c, id, "results", results);
            notify(c, id);
            return true;
        });
    }

    /** A worker that stops gracefully hands its job back at once instead of letting the lease run out. */
    void release(String id, String worker) {
        db.transaction(c -> {
            try (PreparedStatement st = c.prepareStatement("UPDATE likeness_jobs SET state = 'QUEUED', lease_owner = "
                    + "NULL, lease_expires = NULL, " + CHANGED + " WHERE id = ? AND lease_owner = ? "
                    + "AND state = 'RUNNING'")) {
                st.setString(1, id);
                st.setString(2, worker);
                if (st.executeUpdate() > 0) {
                    notify(c, id);
                }
            }
            return null;
        });
    }

    /** Cancels a waiting job at once; a running one is flagged and its worker stops it at its next step. */
    void cancel(String id) {
        db.transaction(c -> {
            try (PreparedStatement st = c.prepareStatement("UPDATE likeness_jobs SET "
                    + "state = CASE WHEN state = 'QUEUED' THEN 'CANCELLED' ELSE state END, "
                    + "finished = CASE WHEN state = 'QUEUED' THEN now() ELSE finished END, "
                    + "error_code = CASE WHEN state = 'QUEUED' THEN 'CANCELLED' ELSE error_code END, "
                    + "error_message = CASE WHEN state = 'QUEUED' THEN 'cancelled before it started' "
                    + "ELSE error_message END, cancel_requested = true, " + CHANGED
                    + " WHERE id = ? AND state IN ('QUEUED', 'RUNNING') AND NOT cancel_requested")) {
                st.setString(1, id);
                if (st.executeUpdate() > 0) {
                    notify(c, id);
                }
            }
            return null;
        });
    }

    /** Jobs changed after {@code changeSeq}, oldest change first. */
    List<JobRow> changedSince(long changeSeq, int limit) {
        return db.transaction(c -> {
            try (PreparedStatement st = c.prepareStatement("SELECT " + COLUMNS + " FROM likeness_jobs "
                    + "WHERE change_seq > ? ORDER BY change_seq LIMIT ?")) {
                st.setLong(1, changeSeq);
                st.setInt(2, limit);
                return rows(st);
            }
        });
    }

    JobRow row(String id) {
        return db.transaction(c -> {
            try (PreparedStatement st = c.prepareStatement("SELECT " + COLUMNS + " FROM likeness_jobs WHERE id = ?")) {
                st.setString(1, id);
                List<JobRow> rows = rows(st);
                return rows.isEmpty() ? null : rows.get(0);
            }
        });
    }

    List<StoredFile> files(String id, String area) {
        return db.transaction(c -> {
            List<StoredFile> out = new ArrayList<>();
            try (PreparedStatement st = c.prepareStatement("SELECT name, sha256, size FROM likeness_job_files "
                    + "WHERE job_id = ? AND area = ? ORDER BY name")) {
                st.setString(1, id);
                st.setString(2, area);
                try (ResultSet rs = st.executeQuery()) {
                    while (rs.next()) {
                        out.add(new StoredFile(rs.getString(1), rs.getString(2), rs.getLong(3)));
                    }
                }
            }
            return out;
        });
    }

    private static boolean holds(Connection c, String id, String worker) throws SQLException {
        try (PreparedStatement st = c.prepareStatement("SELECT 1 FROM likeness_jobs WHERE id = ? AND lease_owner = ? "
                + "AND state = 'RUNNING' FOR UPDATE")) {
            st.setString(1, id);
            st.setString(2, worker);
            try (ResultSet rs = st.executeQuery()) {
                return rs.next();
            }
        }
    }

    private static void upsertFiles(Connection c, String id, String area, List<StoredFile> files) throws SQLException {
        try (PreparedStatement st = c.prepareStatement("INSERT INTO likeness_job_files (job_id, area, name, sha256, "
                + "size) VALUES (?, ?, ?, ?, ?) ON CONFLICT (job_id, area, name) DO UPDATE SET sha256 = "
                + "excluded.sha256, size = excluded.size")) {
            for (StoredFile f : files) {
                st.setString(1, id);
                st.setString(2, area);
                st.setString(3, f.name());
                st.setString(4, f.sha256());
                st.setLong(5, f.size());
                st.addBatch();
            }
            st.executeBatch();
        }
    }

    static void notify(Connection c, String id) throws SQLException {
        try (PreparedStatement st = c.prepareStatement("SELECT pg_notify('" + CHANNEL + "', ?)")) {
            st.setString(1, id);
            st.execute();
        }
    }

    private static List<JobRow> rows(PreparedStatement st) throws SQLException {
        List<JobRow> out = new ArrayList<>();
        try (ResultSet rs = st.executeQuery()) {
            while (rs.next()) {
                String code = rs.getString(12);
                String progress = rs.getString(14);
                out.add(new JobRow(rs.getString(1), rs.getLong(2), rs.getString(3), rs.getString(4),
                        JobState.valueOf(rs.getString(5)), rs.getInt(6), rs.getString(7), rs.getBoolean(8),
                        instant(rs.getTimestamp(9)), instant(rs.getTimestamp(10)), instant(rs.getTimestamp(11)),
                        code == null ? null : new JobError(code, rs.getString(13)),
                        progress == null ? JobProgress.NONE : parse(progress), rs.getLong(15), rs.getLong(16)));
            }
        }
        return out;
    }

    private static JobProgress parse(String json) throws SQLException {
        try {
            return Json.MAPPER.readValue(json, JobProgress.class);
        } catch (java.io.IOException e) {
            throw new SQLException("unreadable progress in the store", e);
        }
    }

    private static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }

    static double seconds(Duration d) {
        return d.toMillis() / 1000.0;
    }
}
