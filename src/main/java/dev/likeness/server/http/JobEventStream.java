package dev.likeness.server.http;

import dev.likeness.server.api.ApiException;
import dev.likeness.pipeline.preview.PreviewFrame;
import dev.likeness.server.api.JobView;
import dev.likeness.server.api.PreviewView;
import dev.likeness.server.jobs.Job;
import dev.likeness.server.jobs.JobQueue;
import io.javalin.http.Context;
import io.javalin.http.sse.SseClient;
import io.javalin.http.sse.SseHandler;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@code GET /jobs/{id}/events}: Server-Sent Events. Sends the job's state at once, then a {@code progress}
 * event whenever it changes, a {@code preview} event for each new live preview, and a final {@code done} event,
 * then closes. Each stream reads snapshots on its own
 * thread, so a slow client never holds up the GPU worker; fast changes are coalesced.
 *
 * <p>At most {@code maxStreams} are open at once (then 429 + Retry-After). A permit is held until the stream has
 * ended, not merely until the handler returns (Javalin runs the stream asynchronously after that). A stream whose
 * job has not changed for {@code idle} is closed; so is every stream when the server stops.
 */
final class JobEventStream {
    private static final long KEEPALIVE_MS = 15_000;
    /** Streams wake at least this often to notice a stop, an idle timeout or a gone client. */
    private static final long WAKE_MS = 1_000;
    private static final String EVENT_STREAM = "text/event-stream";
    private final JobQueue jobs;
    private final int maxStreams;
    private final long idleMillis;
    private final Semaphore permits;
    private volatile boolean closing;

    JobEventStream(JobQueue jobs, int maxStreams, Duration idle) {
        this.jobs = jobs;
        this.maxStreams = maxStreams;
        this.idleMillis = idle.toMillis();
        this.permits = new Semaphore(maxStreams);
    }

    void handle(Context ctx) throws Exception {
        Job job = jobs.get(ctx.pathParam("id"));
        if (!EVENT_STREAM.equals(ctx.header("Accept"))) {
            throw new ApiException(406, "NOT_ACCEPTABLE", "this route sends Server-Sent Events: send 'Accept: "
                    + EVENT_STREAM + "'");
        }
        if (closing || !permits.tryAcquire()) {
            throw new ApiException(429, "TOO_MANY_STREAMS", "too many progress streams are open (limit " + maxStreams
                    + "); poll the job instead");
        }
        AtomicBoolean released = new AtomicBoolean();
        Runnable release = () -> {
            if (released.compareAndSet(false, true)) {
                permits.release();
            }
        };
        try {
            new SseHandler(client -> {
                try {
                    stream(job, client);
                } finally {
                    release.run();
                }
            }).handle(ctx);
        } catch (Exception | Error e) {
            release.run();
            throw e;
        }
    }

    /** Streams open now (for tests and the load benchmark). */
    int open() {
        return maxStreams - permits.availablePermits();
    }

    /** Ends every stream within a second and refuses new ones. */
    void close() {
        closing = true;
    }

    private void stream(Job job, SseClient client) {
        long seen = -1;
        PreviewFrame previewSent = null;
        JobView viewSent = null;
        long lastChange = System.currentTimeMillis();
        long lastSent = lastChange;
        try {
            while (!client.terminated() && !closing) {
                long now = System.currentTimeMillis();
                if (now - lastChange >= idleMillis) {
                    client.sendComment("idle timeout: reconnect or poll the job");
                    break;
                }
                if (now - lastSent >= KEEPALIVE_MS) {
                    client.sendComment("keep-alive");
                    lastSent = now;
                }
                Job.Snapshot s = job.awaitChange(seen, Math.min(WAKE_MS, lastChange + idleMillis - now));
                if (s.version() == seen) {
                    continue;
                }
                seen = s.version();
                lastChange = System.currentTimeMillis();
                lastSent = lastChange;
                boolean done = s.state().terminal();
                if (s.preview() != null && s.preview() != previewSent) {
                    previewSent = s.preview();
                    client.sendEvent("preview", PreviewView.of(previewSent), Long.toString(s.version()));
                }
                JobView view = JobView.brief(s);
                if (done || !view.equals(viewSent)) { // a new preview alone sends no repeated progress event
                    client.sendEvent(done ? "done" : "progress", view, Long.toString(s.version()));
                    viewSent = view;
                }
                if (done) {
                    break;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            client.close();
        }
    }
}
