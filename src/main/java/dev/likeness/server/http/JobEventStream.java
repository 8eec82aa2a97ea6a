package dev.likeness.server.http;

import dev.likeness.server.api.ApiException;
import dev.likeness.server.api.JobView;
import dev.likeness.server.jobs.Job;
import dev.likeness.server.jobs.JobService;
import io.javalin.http.Context;
import io.javalin.http.sse.SseClient;
import io.javalin.http.sse.SseHandler;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code GET /jobs/{id}/events}: Server-Sent Events. Sends the job's state at once, then a {@code progress}
 * event whenever it changes and a final {@code done} event, then closes. Each stream reads snapshots on its own
 * request thread, so a slow client never holds up the GPU worker; fast changes are coalesced.
 */
final class JobEventStream {
    private static final long KEEPALIVE_MS = 15_000;
    private static final long MAX_STREAM_MS = 12L * 3600 * 1000;
    private final JobService jobs;
    private final int maxStreams;
    private final AtomicInteger open = new AtomicInteger();

    JobEventStream(JobService jobs, int maxStreams) {
        this.jobs = jobs;
        this.maxStreams = maxStreams;
    }

    void handle(Context ctx) throws Exception {
        Job job = jobs.get(ctx.pathParam("id"));
        if (open.incrementAndGet() > maxStreams) {
            open.decrementAndGet();
            throw new ApiException(429, "TOO_MANY_STREAMS", "too many progress streams are open; poll the job instead");
        }
        try {
            new SseHandler(client -> stream(job, client)).handle(ctx);
        } finally {
            open.decrementAndGet();
        }
    }

    private void stream(Job job, SseClient client) {
        long seen = -1;
        long deadline = System.currentTimeMillis() + MAX_STREAM_MS;
        try {
            while (!client.terminated() && System.currentTimeMillis() < deadline) {
                Job.Snapshot s = job.awaitChange(seen, KEEPALIVE_MS);
                if (s.version() == seen) {
                    client.sendComment("keep-alive");
                    continue;
                }
                seen = s.version();
                boolean done = s.state().terminal();
                client.sendEvent(done ? "done" : "progress", JobView.brief(s), Long.toString(s.version()));
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
