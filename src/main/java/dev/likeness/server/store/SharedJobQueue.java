package dev.likeness.server.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.likeness.server.api.ApiException;
import dev.likeness.server.config.Limits;
import dev.likeness.server.jobs.Job;
import dev.likeness.server.jobs.JobInputs;
import dev.likeness.server.jobs.JobKinds;
import dev.likeness.server.jobs.JobQueue;
import dev.likeness.server.jobs.JobResults;
import dev.likeness.server.jobs.JobRunner;
import dev.likeness.server.jobs.PersonalizeRunner;
import dev.likeness.server.security.SafeName;
import dev.likeness.server.security.Tokens;
import dev.likeness.server.uploads.UploadStore;
import dev.likeness.train.TrainingStep;
import dev.likeness.util.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.logging.Logger;

/**
 * A studio front's job queue: jobs live in PostgreSQL and run on whichever worker claims them. This front mirrors
 * the job table (following NOTIFY, polling as the fallback), so its progress streams and previews show every job,
 * whichever front took it; results are copied into a local cache folder the first time they are asked for.
 */
public final class SharedJobQueue implements JobQueue {
    /** The optional spec field naming the model a job runs on (the worker switches to it). */
    public static final String MODEL_FIELD = "model";
    /** The optional spec field giving the memory (GB) a worker must have to take the job. */
    public static final String MEMORY_FIELD = "minMemoryGb";
    private static final Logger LOG = Logger.getLogger(SharedJobQueue.class.getName());
    private static final int POLL_MILLIS = 1000;
    /**
     * change_seq is taken when a transaction writes, not when it commits, so a change can become visible after a
     * later-numbered one: each poll looks this far back and skips what it has applied.
     */
    private static final long LOOKBACK = 256;
    private final SharedJobs jobs;
    private final BlobStore blobs;
    private final StoredPreviews previews;
    private final Map<String, JobRunner> runners;
    private final UploadStore uploads;
    private final Limits limits;
    private final Path cacheDir;
    private final Map<String, Job> mirror = new HashMap<>();
    private final Map<String, Long> previewSeen = new HashMap<>();
    private final Map<String, Long> applied = new HashMap<>();
    private final Set<String> resultsCopied = new HashSet<>();
    private final Thread follower;
    private volatile boolean stopping;
    private long lastChange;

    public SharedJobQueue(Store store, Map<String, JobRunner> runners, UploadStore uploads, Limits limits,
            Path cacheDir) throws IOException {
        this.jobs = store.jobs();
        this.blobs = store.blobs();
        this.previews = store.previews();
        this.runners = Map.copyOf(runners);
        this.uploads = uploads;
        this.limits = limits;
        this.cacheDir = cacheDir;
        Files.createDirectories(cacheDir);
        follow();
        this.follower = new Thread(this::followLoop, "likeness-store-follower");
        this.follower.setDaemon(true);
    }

    @Override
    public Map<String, JobRunner> runners() {
        return runners;
    }

    @Override
    public Job submit(String kind, JsonNode rawSpec, String submitter) {
        JobRunner runner = requireRunner(kind);
        ObjectNode spec = JobQueue.specCopy(rawSpec);
        // a load-model job's own "model" is what it loads; for every other kind it is where the job runs
        JsonNode modelNode = kind.equals(JobKinds.LOAD_MODEL) ? null : spec.remove(MODEL_FIELD);
        String model = modelNode == null || modelNode.isNull() ? null
                : SafeName.model(MODEL_FIELD, modelNode.asText(null));
        JsonNode memoryNode = spec.remove(MEMORY_FIELD);
        Long minMemoryMb = null;
        if (memoryNode != null && !memoryNode.isNull()) {
            if (!memoryNode.isNumber() || memoryNode.asDouble() <= 0 || memoryNode.asDouble() > 4096) {
                throw ApiException.badRequest(MEMORY_FIELD, MEMORY_FIELD + " must be a number of GB, above 0 and at "
                        + "most 4096");
            }
            minMemoryMb = Math.round(memoryNode.asDouble() * 1024);
        }
        spec = runner.prepare(spec);
        List<Path> inputs = JobInputs.files(spec, uploads, limits);
        long queued = jobs.queuedCount();
        if (queued >= limits.maxQueuedJobs()) {
            throw new ApiException(429, "QUEUE_FULL", "the job queue is full (" + queued + " jobs waiting); try again "
                    + "later");
        }
        List<byte[]> pngs = new ArrayList<>();
        try {
            for (Path p : inputs) {
                pngs.add(Files.readAllBytes(p));
            }
        } catch (IOException e) {
            throw new ApiException(500, "STORAGE_ERROR", "an uploaded image could not be read");
        }
        if (model != null) {
            spec.put(MODEL_FIELD, model);
        }
        String id = "j" + Tokens.randomHex(10);
        try {
            jobs.insert(new SharedJobs.NewJob(id, kind, Json.write(spec), pngs, submitter, model, minMemoryMb));
        } catch (StoreException e) {
            throw unavailable(e);
        }
        return refresh(id);
    }

    @Override
    public Job get(String rawId) {
        String id = SafeName.id("id", rawId);
        synchronized (this) {
            Job job = mirror.get(id);
            if (job != null) {
                return job;
            }
        }
        Job job = refresh(id);
        if (job == null) {
            throw ApiException.notFound("job '" + id + "'");
        }
        return job;
    }

    @Override
    public synchronized List<Job> list() {
        List<Job> out = new ArrayList<>(mirror.values());
        out.sort(Comparator.comparingLong(Job::seq));
        return out;
    }

    @Override
    public Job cancel(String rawId) {
        Job job = get(rawId);
        try {
            jobs.cancel(job.id());
        } catch (StoreException e) {
            throw unavailable(e);
        }
        return refresh(job.id());
    }

    @Override
    public List<TrainingStep> trainingHistory(Job job) throws IOException {
        String name = PersonalizeRunner.history(Path.of("")).toString().replace('\\', '/');
        for (SharedJobs.StoredFile f : jobs.files(job.id(), "work")) {
            if (f.name().equals(name)) {
                blobs.copyTo(f.sha256(), FileIndex.resolve(job.dir().resolve("work"), name));
            }
        }
        return JobQueue.super.trainingHistory(job);
    }

    @Override
    public JobResults results(Job job) {
        if (job.state().terminal()) {
            copyResults(job);
        }
        return JobQueue.super.results(job);
    }

    @Override
    public void start() {
        follower.start();
    }

    @Override
    public void beginStop() {
        stopping = true;
    }

    @Override
    public boolean stop(Duration grace) {
        stopping = true;
        try {
            follower.join(Math.max(1, Math.min(grace.toMillis(), 2L * POLL_MILLIS)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return true;
    }

    private void followLoop() {
        try (StoreListener listener = new StoreListener(jobs.database(), SharedJobs.CHANNEL)) {
            while (!stopping) {
                listener.await(POLL_MILLIS);
                try {
                    follow();
                } catch (StoreException e) {
                    LOG.warning("following the store: " + e.getMessage());
                }
            }
        }
    }

    /** Applies every change since the last one seen. */
    private void follow() {
        while (true) {
            long since;
            synchronized (this) {
                since = lastChange;
            }
            List<JobRow> rows = jobs.changedSince(Math.max(0, since - LOOKBACK), 1000);
            for (JobRow row : rows) {
                apply(row);
            }
            if (rows.size() < 1000) {
                return;
            }
        }
    }

    private Job refresh(String id) {
        JobRow row;
        try {
            row = jobs.row(id);
        } catch (StoreException e) {
            throw unavailable(e);
        }
        return row == null ? null : apply(row);
    }

    private Job apply(JobRow row) {
        Job job;
        boolean newPreview;
        synchronized (this) {
            if (row.changeSeq() <= applied.getOrDefault(row.id(), -1L)) {
                return mirror.get(row.id());
            }
            applied.put(row.id(), row.changeSeq());
            job = mirror.computeIfAbsent(row.id(), id -> new Job(id, row.seq(), row.kind(), row.created(),
                    cacheDir.resolve(id)));
            newPreview = row.previewSeq() > previewSeen.getOrDefault(row.id(), 0L);
            if (newPreview) {
                previewSeen.put(row.id(), row.previewSeq());
            }
            lastChange = Math.max(lastChange, row.changeSeq());
        }
        job.mirror(row.state(), row.started(), row.finished(), row.error(), row.attempts(), row.progress(),
                newPreview ? previews.latest(row.id()) : null);
        return job;
    }

    private void copyResults(Job job) {
        synchronized (this) {
            if (resultsCopied.contains(job.id())) {
                return;
            }
        }
        try {
            Path dir = job.dir().resolve("results");
            List<SharedJobs.StoredFile> files = new ArrayList<>(jobs.files(job.id(), "results"));
            files.sort(Comparator.comparing((SharedJobs.StoredFile f) -> f.name().endsWith(".json"))
                    .thenComparing(SharedJobs.StoredFile::name)); // a result counts once its JSON is there
            for (SharedJobs.StoredFile f : files) {
                blobs.copyTo(f.sha256(), FileIndex.resolve(dir, f.name()));
            }
            synchronized (this) {
                resultsCopied.add(job.id());
            }
        } catch (IOException | StoreException e) {
            throw new ApiException(503, "STORE_UNAVAILABLE", "the job's results could not be fetched from the store");
        }
    }

    private static ApiException unavailable(StoreException e) {
        LOG.warning(e.getMessage());
        return new ApiException(503, "STORE_UNAVAILABLE", "the studio store is unreachable; try again shortly");
    }
}
