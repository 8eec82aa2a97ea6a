package dev.likeness.server.jobs;

import dev.likeness.train.TrainingHistory;
import dev.likeness.train.TrainingStep;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.likeness.pipeline.preview.PreviewFrame;
import dev.likeness.server.api.ApiException;
import dev.likeness.server.config.Limits;
import dev.likeness.server.security.SafeName;
import dev.likeness.server.security.Tokens;
import dev.likeness.server.uploads.UploadStore;
import dev.likeness.util.AtomicFiles;
import dev.likeness.util.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.stream.Stream;

/**
 * The job table: submit, look up, cancel, and recover after a restart. Jobs run one at a time, in submission
 * order, on the {@link JobWorker}. Every state change is journaled before it is acknowledged.
 */
public final class JobService implements JobQueue, AutoCloseable {
    public static final String SPEC_FILE = "spec.json";
    /** How long a stop waits for the running job to reach its next step or UNet block. */
    public static final Duration STOP_GRACE = Duration.ofSeconds(5);
    public static final JobError CANCELLED_BY_USER = new JobError("CANCELLED", "cancelled by the user");
    private final Path jobsDir;
    private final Map<String, JobRunner> runners;
    private final UploadStore uploads;
    private final Limits limits;
    private final JobJournal journal;
    private final Map<String, Job> jobs = new LinkedHashMap<>();
    private final LinkedBlockingQueue<Job> queue = new LinkedBlockingQueue<>();
    private final JobWorker worker;
    private long nextSeq = 1;

    public JobService(Path jobsDir, Map<String, JobRunner> runners, UploadStore uploads, Limits limits)
            throws IOException {
        this.jobsDir = jobsDir;
        this.runners = Map.copyOf(runners);
        this.uploads = uploads;
        this.limits = limits;
        Files.createDirectories(jobsDir);
        this.journal = new JobJournal(jobsDir.resolve("journal.log"));
        recover();
        this.worker = new JobWorker(queue, journal, this.runners);
    }

    @Override
    public void start() {
        worker.start();
    }

    @Override
    public Map<String, JobRunner> runners() {
        return runners;
    }

    /** The embedded queue runs one job at a time in submission order, so {@code submitter} changes nothing. */
    @Override
    public Job submit(String kind, JsonNode rawSpec, String submitter) {
        ObjectNode spec = requireRunner(kind).prepare(JobQueue.specCopy(rawSpec));
        List<Path> inputs = JobInputs.files(spec, uploads, limits);
        synchronized (this) {
            long queued = jobs.values().stream().filter(j -> j.state() == JobState.QUEUED).count();
            if (queued >= limits.maxQueuedJobs()) {
                throw new ApiException(429, "QUEUE_FULL", "the job queue is full (" + queued + " jobs waiting); "
                        + "try again later");
            }
            long seq = nextSeq++;
            String id = String.format("j%06d-%s", seq, Tokens.randomHex(4));
            Job job = new Job(id, seq, kind, Instant.now(), jobsDir.resolve(id));
            try {
                writeJobFolder(job, spec, inputs);
                journal.append(JobJournal.Entry.submitted(job, Instant.now().toString()));
            } catch (IOException e) {
                throw new ApiException(500, "STORAGE_ERROR", "the job could not be stored");
            }
            jobs.put(id, job);
            queue.add(job);
            return job;
        }
    }

    @Override
    public synchronized Job get(String rawId) {
        String id = SafeName.id("id", rawId);
        Job job = jobs.get(id);
        if (job == null) {
            throw ApiException.notFound("job '" + id + "'");
        }
        return job;
    }

    @Override
    public synchronized List<Job> list() {
        return new ArrayList<>(jobs.values());
    }

    /**
     * Cancels a queued job at once, a running one at its next step (or UNet block); a finished job is left as it is.
     * The cancel of a running job is journaled before this returns, so it holds across a kill or a stop: such a job
     * ends CANCELLED after any restart.
     */
    @Override
    public Job cancel(String rawId) {
        Job job = get(rawId);
        synchronized (this) {
            if (queue.remove(job)) {
                finishNow(job, JobState.CANCELLED, new JobError("CANCELLED", "cancelled before it started"));
                return job;
            }
            if (job.state().terminal() || job.cancelRequested()) {
                return job;
            }
            try {
                journal.append(JobJournal.Entry.cancelRequested(job.id(), Instant.now().toString()));
            } catch (IOException e) {
                throw new ApiException(500, "STORAGE_ERROR", "the job journal could not be written");
            }
            job.requestCancel();
        }
        return job;
    }

    /** Asks the running job to stop at its next step or block (it is journaled as interrupted and resumes). */
    @Override
    public void beginStop() {
        worker.beginStop();
    }

    /**
     * Stops the worker, waiting at most {@code grace} for the running job to reach a point where it can stop.
     * Returns false when it did not: the caller must then not free what the job still uses (the model).
     */
    @Override
    public boolean stop(Duration grace) throws IOException {
        boolean stopped = worker.stop(grace);
        if (stopped) {
            journal.close();
        }
        return stopped;
    }

    /** {@link #stop} with a grace of {@link #STOP_GRACE}. */
    @Override
    public void close() throws IOException {
        stop(STOP_GRACE);
    }

    private static void writeJobFolder(Job job, ObjectNode spec, List<Path> inputs) throws IOException {
        Path inDir = job.dir().resolve("inputs");
        Files.createDirectories(inDir);
        Files.createDirectories(job.dir().resolve("work"));
        for (int i = 0; i < inputs.size(); i++) {
            Path tmp = inDir.resolve(".input-" + i + ".png.tmp");
            Files.copy(inputs.get(i), tmp, StandardCopyOption.REPLACE_EXISTING);
            Files.move(tmp, inDir.resolve("input-" + i + ".png"), StandardCopyOption.ATOMIC_MOVE);
        }
        ObjectNode stored = Json.MAPPER.createObjectNode();
        stored.put("kind", job.kind());
        stored.set("spec", spec);
        stored.put("inputs", inputs.size());
        AtomicFiles.writeString(job.dir().resolve(SPEC_FILE), Json.write(stored));
    }

    private void finishNow(Job job, JobState state, JobError error) {
        Instant now = Instant.now();
        try {
            journal.append(JobJournal.Entry.finished(job.id(), now.toString(), state, error));
        } catch (IOException e) {
            throw new ApiException(500, "STORAGE_ERROR", "the job journal could not be written");
        }
        job.markFinished(state, now, error);
    }

    /** Rebuilds the table from the journal, re-queues unfinished jobs in their original order, compacts. */
    private void recover() throws IOException {
        Map<String, List<JobJournal.Entry>> byJob = new LinkedHashMap<>();
        for (JobJournal.Entry e : journal.replay()) {
            if (e.type().equals("submitted")) {
                byJob.put(e.id(), new ArrayList<>(List.of(e)));
            } else if (byJob.containsKey(e.id())) {
                byJob.get(e.id()).add(e);
            }
        }
        List<Job> restored = new ArrayList<>();
        List<JobJournal.Entry> compacted = new ArrayList<>();
        for (List<JobJournal.Entry> entries : byJob.values()) {
            JobJournal.Entry sub = entries.get(0);
            if (sub.seq() == null || sub.kind() == null || !SafeName.ID.matcher(sub.id()).matches()) {
                continue;
            }
            Job job = new Job(sub.id(), sub.seq(), sub.kind(), Instant.parse(sub.at()), jobsDir.resolve(sub.id()));
            JobState state = JobState.QUEUED;
            Instant started = null;
            Instant finished = null;
            JobError error = null;
            int attempts = 0;
            String cancelAt = null;
            for (JobJournal.Entry e : entries) {
                if (e.type().equals("cancel-requested")) {
                    cancelAt = e.at();
                } else if (e.type().equals("started")) {
                    state = JobState.RUNNING;
                    started = Instant.parse(e.at());
                    attempts++;
                } else if (e.type().equals("finished") && e.state() != null) {
                    state = e.state();
                    finished = Instant.parse(e.at());
                    error = e.error();
                }
            }
            if (!state.terminal() && cancelAt != null) {
                state = JobState.CANCELLED;
                finished = Instant.parse(cancelAt);
                error = CANCELLED_BY_USER;
            } else if (!state.terminal() && !Files.isRegularFile(job.dir().resolve(SPEC_FILE))) {
                state = JobState.FAILED;
                finished = Instant.now();
                error = new JobError("INTERRUPTED", "the job's files were lost when the server stopped");
            }
            job.restore(state, started, finished, error, attempts);
            restored.add(job);
            compacted.addAll(compactedEntries(job));
            nextSeq = Math.max(nextSeq, sub.seq() + 1);
        }
        restored.sort(Comparator.comparingLong(Job::seq));
        for (Job job : restored) {
            jobs.put(job.id(), job);
            if (!job.state().terminal()) {
                removeStaleTempFiles(job.dir());
                queue.add(job);
            }
        }
        journal.compact(compacted);
    }

    private static List<JobJournal.Entry> compactedEntries(Job job) {
        Job.Snapshot s = job.snapshot();
        List<JobJournal.Entry> out = new ArrayList<>();
        out.add(JobJournal.Entry.submitted(job, s.created().toString()));
        for (int i = 0; i < s.attempts(); i++) {
            out.add(JobJournal.Entry.started(job.id(), s.started().toString()));
        }
        if (s.state().terminal()) {
            out.add(JobJournal.Entry.finished(job.id(), s.finished().toString(), s.state(), s.error()));
        }
        return out;
    }

    /** A kill during an atomic write leaves a {@code .*.tmp} beside the target; the target itself is intact. */
    private static void removeStaleTempFiles(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                String n = p.getFileName().toString();
                if (n.startsWith(".") && n.endsWith(".tmp") && Files.isRegularFile(p)) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    /** Reads the stored spec of a job (for the worker). */
    static ObjectNode readSpec(Job job) throws IOException {
        return (ObjectNode) Json.readTree(job.dir().resolve(SPEC_FILE)).get("spec");
    }

    static List<Path> inputs(Job job) throws IOException {
        int n = Json.readTree(job.dir().resolve(SPEC_FILE)).path("inputs").asInt(0);
        List<Path> files = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            files.add(job.dir().resolve("inputs").resolve("input-" + i + ".png"));
        }
        return files;
    }
}
