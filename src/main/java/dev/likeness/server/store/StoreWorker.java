package dev.likeness.server.store;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.likeness.pipeline.CancelSignal;
import dev.likeness.pipeline.preview.PreviewFrame;
import dev.likeness.server.jobs.GpuErrors;
import dev.likeness.server.jobs.Job;
import dev.likeness.server.jobs.JobContext;
import dev.likeness.server.jobs.JobError;
import dev.likeness.server.jobs.JobFailure;
import dev.likeness.server.jobs.JobKinds;
import dev.likeness.server.jobs.JobResults;
import dev.likeness.server.jobs.JobRunner;
import dev.likeness.server.jobs.JobService;
import dev.likeness.server.jobs.JobState;
import dev.likeness.util.AtomicFiles;
import dev.likeness.util.FileTrees;
import dev.likeness.util.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A studio worker: claims jobs from the store one at a time, runs them with the same runners as the embedded server,
 * and while one runs sends its progress and previews, renews its lease, picks up a cancel and copies its work files
 * (training checkpoints) to the store, so that another worker resumes it if this one is killed.
 */
public final class StoreWorker {
    private static final Logger LOG = Logger.getLogger(StoreWorker.class.getName());
    private static final long TICK_MILLIS = 100;
    /** Work files are looked at every second (a stat each; only a changed checkpoint is copied). */
    private static final long SYNC_MILLIS = 1000;
    private final SharedJobs jobs;
    private final BlobStore blobs;
    private final StoreWorkers workers;
    private final StoredPreviews previews;
    private final Map<String, JobRunner> runners;
    private final StoreSettings settings;
    private final Path localDir;
    private final Thread thread;
    private volatile String model;
    private volatile boolean stopping;
    private volatile CancelSignal running;

    public StoreWorker(Store store, Map<String, JobRunner> runners, String initialModel, Path localDir) {
        this.jobs = store.jobs();
        this.blobs = store.blobs();
        this.workers = store.workers();
        this.previews = store.previews();
        this.settings = store.settings();
        this.runners = Map.copyOf(runners);
        this.model = initialModel;
        this.localDir = localDir;
        this.thread = new Thread(this::loop, "likeness-store-worker");
        this.thread.setDaemon(true);
    }

    public String id() {
        return settings.nodeId();
    }

    public void start() {
        thread.start();
    }

    public void beginStop() {
        stopping = true;
        CancelSignal c = running;
        if (c != null) {
            c.cancel();
        }
    }

    /** Stops after the running job reached a point where it can stop (it is handed back to the queue). */
    public boolean stop(Duration grace) {
        beginStop();
        try {
            thread.join(Math.max(1, grace.toMillis()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (!thread.isAlive()) {
            try {
                workers.retire(id());
            } catch (StoreException e) {
                LOG.warning("could not remove worker " + id() + " from the store: " + e.getMessage());
            }
        }
        return !thread.isAlive();
    }

    private void loop() {
        long advertised = 0;
        try (StoreListener listener = new StoreListener(jobs.database(), SharedJobs.CHANNEL)) {
            while (!stopping) {
                try {
                    if (System.currentTimeMillis() - advertised > 1000) {
                        advertise(null);
                        advertised = System.currentTimeMillis();
                    }
                    SharedJobs.Claim claim = jobs.claim(id(), List.copyOf(runners.keySet()), model,
                            settings.memoryMb(), settings.lease(), settings.preferLoadedModelFor());
                    if (claim == null) {
                        listener.await(500);
                        continue;
                    }
                    advertise(claim.id());
                    advertised = System.currentTimeMillis();
                    runClaim(claim);
                } catch (StoreException e) {
                    LOG.warning("worker " + id() + ": " + e.getMessage() + "; trying again");
                    sleep(1000);
                }
            }
        }
    }

    private void advertise(String runningJob) {
        workers.advertise(new StoreWorkers.Worker(id(), settings.host(), settings.device(), settings.memoryMb() << 20,
                model, List.copyOf(runners.keySet()), runningJob));
    }

    private void runClaim(SharedJobs.Claim claim) {
        Path dir = localDir.resolve(claim.id());
        Job job = new Job(claim.id(), 0, claim.kind(), Instant.now(), dir);
        CancelSignal cancel = job.cancelSignal();
        running = cancel;
        Live live = new Live(claim.id(), job);
        Thread updater = new Thread(live::loop, "likeness-store-updates-" + claim.id());
        updater.setDaemon(true);
        try {
            FileTrees.deleteTree(dir);
            ObjectNode spec = (ObjectNode) Json.MAPPER.readTree(claim.specJson());
            List<Path> inputs = writeInputs(claim, dir.resolve("inputs"));
            Path work = dir.resolve("work");
            Files.createDirectories(work);
            if (claim.attempt() > 1) {
                for (SharedJobs.StoredFile f : jobs.files(claim.id(), "work")) {
                    blobs.copyTo(f.sha256(), FileIndex.resolve(work, f.name()));
                    live.synced.put(f.name(), f.sha256());
                }
            }
            updater.start();
            JobResults results = new JobResults(dir.resolve("results"));
            switchModelFor(spec, job, results);
            JobRunner runner = runners.get(claim.kind());
            if (runner == null) {
                throw new JobFailure("NO_RUNNER", "no runner for '" + claim.kind() + "' jobs on this worker");
            }
            runner.run(new JobContext(claim.id(), claim.kind(), spec, inputs, work, job::reportProgress, cancel,
                    claim.attempt() > 1, results, job::reportPreview, job::reportTraining));
            live.stop(updater);
            if (claim.kind().equals(JobKinds.LOAD_MODEL)) {
                model = spec.path("model").asText(model); // what this worker now advertises
            }
            if (!live.lost) {
                finish(claim.id(), JobState.SUCCEEDED, null, dir.resolve("results"));
            }
        } catch (Throwable t) { // any failure ends this job only; the worker stays up for the next one
            live.stop(updater);
            ended(claim, t, live, dir);
        } finally {
            running = null;
            try {
                FileTrees.deleteTree(dir);
            } catch (IOException e) {
                LOG.warning("could not clean " + dir + ": " + e.getMessage());
            }
        }
    }

    private void ended(SharedJobs.Claim claim, Throwable t, Live live, Path dir) {
        try {
            if (live.lost) {
                LOG.info("job " + claim.id() + " was taken over by another worker; this run's results are dropped");
            } else if (live.cancelRequested) {
                finish(claim.id(), JobState.CANCELLED, JobService.CANCELLED_BY_USER, null);
            } else if (stopping) {
                live.syncWork(dir.resolve("work"));
                jobs.release(claim.id(), id());
                LOG.info("job " + claim.id() + " handed back to the queue: this worker is stopping");
            } else {
                JobError error = t instanceof CancelSignal.CancelledException
                        ? JobService.CANCELLED_BY_USER : GpuErrors.classify(t);
                LOG.log(Level.WARNING, "job " + claim.id() + " failed: " + error.code(), t);
                finish(claim.id(), error.code().equals("CANCELLED") ? JobState.CANCELLED : JobState.FAILED, error,
                        dir.resolve("results"));
            }
        } catch (IOException | StoreException e) {
            LOG.warning("job " + claim.id() + ": its end could not be stored (" + e.getMessage() + "); its lease runs "
                    + "out and another worker takes it");
        }
    }

    /** A job that names a model runs on it: the worker switches first (the load-model runner does the switch). */
    private void switchModelFor(ObjectNode spec, Job job, JobResults scratch) throws Exception {
        if (job.kind().equals(JobKinds.LOAD_MODEL)) {
            return; // its "model" is what it loads
        }
        String wanted = spec.path(SharedJobQueue.MODEL_FIELD).asText(null);
        spec.remove(SharedJobQueue.MODEL_FIELD);
        if (wanted == null || wanted.equals(model)) {
            return;
        }
        JobRunner load = runners.get(JobKinds.LOAD_MODEL);
        if (load == null) {
            throw new JobFailure("NO_RUNNER", "this worker cannot switch models");
        }
        ObjectNode loadSpec = Json.MAPPER.createObjectNode().put("model", wanted);
        load.run(new JobContext(job.id(), JobKinds.LOAD_MODEL, load.prepare(loadSpec), List.of(),
                job.dir().resolve("load"), job::reportProgress, job.cancelSignal(), false, scratch,
                job::reportPreview, job::reportTraining));
        scratch.clear();
        model = wanted;
        advertise(job.id());
    }

    private void finish(String id, JobState state, JobError error, Path resultsDir) throws IOException {
        List<SharedJobs.StoredFile> files = new ArrayList<>();
        if (resultsDir != null && Files.isDirectory(resultsDir)) {
            for (Map.Entry<String, Path> e : FileIndex.regularFiles(resultsDir).entrySet()) {
                BlobStore.Blob b = blobs.put(e.getValue());
                files.add(new SharedJobs.StoredFile(e.getKey(), b.sha256(), b.size()));
            }
        }
        if (!jobs.finish(id, id(), state, error, files)) {
            LOG.info("job " + id + " was finished by another worker; this run's results are dropped");
        }
    }

    private List<Path> writeInputs(SharedJobs.Claim claim, Path dir) throws IOException {
        List<byte[]> pngs = jobs.inputs(claim.id());
        List<Path> out = new ArrayList<>();
        for (int i = 0; i < pngs.size(); i++) {
            Path p = dir.resolve("input-" + i + ".png");
            AtomicFiles.writeBytes(p, pngs.get(i));
            out.add(p);
        }
        return out;
    }

    /** The running job's side channel to the store: progress, previews, lease, cancel, work files. */
    private final class Live {
        private final String jobId;
        private final Job job;
        private final Map<String, String> synced = new TreeMap<>();
        private final Map<String, Long> seenStamp = new TreeMap<>();
        private volatile boolean done;
        private volatile boolean lost;
        private volatile boolean cancelRequested;

        Live(String jobId, Job job) {
            this.jobId = jobId;
            this.job = job;
        }

        void loop() {
            long seenVersion = -1;
            PreviewFrame lastPreview = null;
            long lastRenew = 0;
            long lastSync = 0;
            while (!done) {
                try {
                    Job.Snapshot s = job.snapshot();
                    if (s.version() != seenVersion) {
                        seenVersion = s.version();
                        jobs.progress(jobId, id(), s.progress());
                        if (s.preview() != null && s.preview() != lastPreview) {
                            lastPreview = s.preview();
                            previews.put(jobId, id(), s.preview());
                        }
                    }
                    if (System.currentTimeMillis() - lastRenew >= settings.renewEvery().toMillis()) {
                        lastRenew = System.currentTimeMillis();
                        SharedJobs.Lease lease = jobs.renew(jobId, id(), settings.lease());
                        if (!lease.held()) {
                            lost = true;
                            job.cancelSignal().cancel();
                            return;
                        }
                        if (lease.cancelRequested() && !cancelRequested) {
                            cancelRequested = true;
                            job.cancelSignal().cancel();
                        }
                    }
                    if (System.currentTimeMillis() - lastSync >= SYNC_MILLIS) {
                        lastSync = System.currentTimeMillis();
                        syncWork(job.dir().resolve("work"));
                    }
                } catch (StoreException | IOException e) {
                    LOG.warning("job " + jobId + ": store update failed (" + e.getMessage() + ")");
                }
                sleep(TICK_MILLIS);
            }
        }

        /**
         * Copies new or changed work files to the store. The training checkpoint goes first, so the loss history
         * stored with it never ends before the checkpoint's step (a resumed run cuts it back to the checkpoint).
         */
        synchronized void syncWork(Path work) throws IOException {
            if (!Files.isDirectory(work)) {
                return;
            }
            List<SharedJobs.StoredFile> changed = new ArrayList<>();
            for (Map.Entry<String, Path> e : FileIndex.workFiles(work).entrySet()) {
                long stamp = Files.getLastModifiedTime(e.getValue()).toMillis() * 31 + Files.size(e.getValue());
                if (Long.valueOf(stamp).equals(seenStamp.get(e.getKey()))) {
                    continue;
                }
                BlobStore.Blob b = blobs.put(e.getValue());
                seenStamp.put(e.getKey(), stamp);
                if (!b.sha256().equals(synced.get(e.getKey()))) {
                    changed.add(new SharedJobs.StoredFile(e.getKey(), b.sha256(), b.size()));
                    synced.put(e.getKey(), b.sha256());
                }
            }
            if (!changed.isEmpty() && !jobs.putWorkFiles(jobId, id(), changed)) {
                lost = true;
                job.cancelSignal().cancel();
            }
        }

        void stop(Thread updater) {
            done = true;
            if (updater.isAlive()) {
                try {
                    updater.join(5000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            if (!lost) {
                try {
                    Job.Snapshot s = job.snapshot();
                    jobs.progress(jobId, id(), s.progress());
                } catch (StoreException e) {
                    LOG.warning("job " + jobId + ": last progress not stored (" + e.getMessage() + ")");
                }
            }
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
