package dev.likeness.server.jobs;

import dev.likeness.pipeline.CancelSignal;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The single GPU worker: takes jobs in queue order and runs each to the end before the next. A failing job
 * (including GPU out-of-memory) is recorded as FAILED and the worker carries on.
 */
final class JobWorker {
    private static final Logger LOG = Logger.getLogger(JobWorker.class.getName());
    private final BlockingQueue<Job> queue;
    private final JobJournal journal;
    private final Map<String, JobRunner> runners;
    private final Thread thread;
    private volatile boolean stopping;
    private volatile Job current;

    JobWorker(BlockingQueue<Job> queue, JobJournal journal, Map<String, JobRunner> runners) {
        this.queue = queue;
        this.journal = journal;
        this.runners = runners;
        this.thread = new Thread(this::loop, "likeness-gpu-worker");
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    /** Asks the running job to stop at its next step or UNet block; takes no new job. */
    void beginStop() {
        stopping = true;
        Job running = current;
        if (running != null) {
            running.cancelSignal().cancel();
        }
    }

    /**
     * {@link #beginStop} and waits at most {@code grace} for the worker to end; false when it is still running. The
     * thread is not interrupted: an interrupt would close the journal's FileChannel under a write.
     */
    boolean stop(Duration grace) {
        beginStop();
        if (!thread.isAlive()) {
            return true;
        }
        try {
            thread.join(Math.max(1, grace.toMillis()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            Job running = current;
            LOG.warning("job " + (running != null ? running.id() : "?") + " did not reach a point where it can stop "
                    + "within " + grace.toSeconds() + " s; it resumes on the next start");
            return false;
        }
        return true;
    }

    private void loop() {
        while (!stopping) {
            Job job;
            try {
                job = queue.poll(200, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                return;
            }
            if (job == null) {
                continue;
            }
            current = job;
            try {
                runOne(job);
            } catch (IOException e) {
                LOG.log(Level.SEVERE, "job journal write failed; the worker stops", e);
                return;
            } finally {
                current = null;
            }
        }
    }

    private void runOne(Job job) throws IOException {
        if (job.cancelSignal().isCancelled()) {
            finish(job, JobState.CANCELLED, new JobError("CANCELLED", "cancelled before it started"));
            return;
        }
        boolean resumed = job.snapshot().attempts() > 0;
        journal.append(JobJournal.Entry.started(job.id(), Instant.now().toString()));
        job.markRunning(Instant.now(), resumed);
        JobRunner runner = runners.get(job.kind());
        try {
            if (runner == null) {
                throw new JobFailure("NO_RUNNER", "no runner for '" + job.kind() + "' jobs in this build");
            }
            JobContext ctx = new JobContext(job.id(), job.kind(), JobService.readSpec(job), JobService.inputs(job),
                    job.dir().resolve("work"), job::reportProgress, job.cancelSignal(), resumed,
                    new JobResults(job.dir().resolve("results")), job::reportPreview, job::reportTraining);
            runner.run(ctx);
            finish(job, JobState.SUCCEEDED, null);
        } catch (Throwable t) { // any failure ends this job only; the worker stays up for the next one
            if (job.cancelRequested() && (t instanceof CancelSignal.CancelledException || stopping)) {
                finish(job, JobState.CANCELLED, JobService.CANCELLED_BY_USER);
                return;
            }
            if (stopping) {
                journal.append(JobJournal.Entry.interrupted(job.id(), Instant.now().toString()));
                LOG.info("job " + job.id() + " interrupted by shutdown; it resumes on the next start");
                return;
            }
            if (t instanceof CancelSignal.CancelledException) {
                finish(job, JobState.CANCELLED, JobService.CANCELLED_BY_USER);
                return;
            }
            JobError error = GpuErrors.classify(t);
            LOG.log(Level.WARNING, "job " + job.id() + " failed: " + error.code(), t);
            finish(job, JobState.FAILED, error);
        }
    }

    private void finish(Job job, JobState state, JobError error) throws IOException {
        Instant now = Instant.now();
        journal.append(JobJournal.Entry.finished(job.id(), now.toString(), state, error));
        job.markFinished(state, now, error);
    }
}
