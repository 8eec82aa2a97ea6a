package dev.likeness.server.jobs;

import dev.likeness.pipeline.CancelSignal;
import dev.likeness.pipeline.preview.PreviewFrame;
import dev.likeness.train.TrainingStep;
import java.nio.file.Path;
import java.time.Instant;

/**
 * One job's live state. Mutated by the worker and by cancel; read by HTTP and Py4J. Every change bumps
 * {@link #version()} and wakes {@link #awaitChange} waiters (the progress streams), which read a snapshot.
 */
public final class Job {
    private final String id;
    private final long seq;
    private final String kind;
    private final Instant created;
    private final Path dir;
    private final CancelSignal cancel = new CancelSignal();
    private JobState state = JobState.QUEUED;
    private Instant started;
    private Instant finished;
    private JobProgress progress = JobProgress.NONE;
    private JobError error;
    private int attempts;
    private boolean cancelRequested;
    private long version;
    private PreviewFrame preview;

    /** An immutable view for readers. */
    public record Snapshot(String id, long seq, String kind, JobState state, Instant created, Instant started,
            Instant finished, JobProgress progress, JobError error, int attempts, long version, PreviewFrame preview) {}

    public Job(String id, long seq, String kind, Instant created, Path dir) {
        this.id = id;
        this.seq = seq;
        this.kind = kind;
        this.created = created;
        this.dir = dir;
    }

    public String id() {
        return id;
    }

    public long seq() {
        return seq;
    }

    public String kind() {
        return kind;
    }

    public Path dir() {
        return dir;
    }

    public CancelSignal cancelSignal() {
        return cancel;
    }

    /** Marks a user's cancel (journaled by the caller first) and signals the runner. */
    void requestCancel() {
        synchronized (this) {
            cancelRequested = true;
        }
        cancel.cancel();
    }

    /** True once a user asked to cancel this job (a server stop signals the runner too, but is not a cancel). */
    synchronized boolean cancelRequested() {
        return cancelRequested;
    }

    public synchronized Snapshot snapshot() {
        return new Snapshot(id, seq, kind, state, created, started, finished, progress, error, attempts, version,
                preview);
    }

    public synchronized JobState state() {
        return state;
    }

    synchronized void markRunning(Instant at, boolean resumedRun) {
        state = JobState.RUNNING;
        started = at;
        attempts++;
        progress = new JobProgress(0, 0, resumedRun ? "resuming" : "starting");
        preview = null;
        changed();
    }

    synchronized void markFinished(JobState terminal, Instant at, JobError err) {
        state = terminal;
        finished = at;
        error = err;
        changed();
    }

    /**
     * Sets everything a reader sees at once, from a shared store this process mirrors (a studio front); the
     * preview is kept when {@code newPreview} is null.
     */
    public synchronized void mirror(JobState now, Instant startedAt, Instant finishedAt, JobError err, int tries,
            JobProgress latest, PreviewFrame newPreview) {
        state = now;
        started = startedAt;
        finished = finishedAt;
        error = err;
        attempts = tries;
        progress = latest;
        if (newPreview != null) {
            preview = newPreview;
        }
        changed();
    }

    /** Restores state read from the journal. */
    synchronized void restore(JobState restored, Instant startedAt, Instant finishedAt, JobError err, int tries) {
        state = restored;
        started = startedAt;
        finished = finishedAt;
        error = err;
        attempts = tries;
        changed();
    }

    public synchronized void reportProgress(int step, int total, String message) {
        progress = progress.withMessage(step, total, message == null ? "" : message);
        changed();
    }

    /** A training step's loss and learning rate, shown with the progress until the next step. */
    public synchronized void reportTraining(TrainingStep step) {
        progress = JobProgress.of(step, progress.message());
        changed();
    }

    /** The latest live preview of this run (not journaled: a preview is only worth something while it is new). */
    public synchronized void reportPreview(PreviewFrame frame) {
        preview = frame;
        changed();
    }

    /** Waits until the version differs from {@code seen} or the timeout passes; returns the current snapshot. */
    public synchronized Snapshot awaitChange(long seen, long timeoutMillis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (version == seen) {
            long left = deadline - System.currentTimeMillis();
            if (left <= 0) {
                break;
            }
            wait(left);
        }
        return snapshot();
    }

    private void changed() {
        version++;
        notifyAll();
    }
}
