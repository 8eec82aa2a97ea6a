package dev.likeness.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.likeness.util.Json;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code bench server --load}: N clients at once for T seconds, in three kinds. A third submit a generate job and
 * follow it on its progress stream, a third submit and poll it, and a third flood: they submit without waiting and
 * open a stream for each job without reading it to the end first (at most 8 open each), so the queue and stream caps
 * are reached and answer 429. At the end every unfinished job is cancelled and must reach a final state. Counts what
 * was accepted, refused with 429 and lost (accepted but gone or never final), request and job latencies, and the peak
 * thread count and resident memory of the process (server and clients share it).
 */
final class ServerLoad {
    /** What to run. */
    record Settings(int clients, int seconds, int steps, int size) {}

    private final String base;
    private final String token;
    private final Settings settings;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final AtomicInteger accepted = new AtomicInteger();
    private final AtomicInteger submitRejected = new AtomicInteger();
    private final AtomicInteger streamRejected = new AtomicInteger();
    private final AtomicInteger errors = new AtomicInteger();
    private final AtomicInteger streams = new AtomicInteger();
    private final AtomicLong seeds = new AtomicLong();
    private final Set<String> ids = ConcurrentHashMap.newKeySet();
    private final List<Double> requestMs = Collections.synchronizedList(new ArrayList<>());
    private final List<Double> jobMs = Collections.synchronizedList(new ArrayList<>());
    private volatile int peakThreads;

    ServerLoad(int port, String token, Settings settings) {
        this.base = "http://127.0.0.1:" + port + "/api/v1";
        this.token = token;
        this.settings = settings;
    }

    Map<String, Object> run() throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(settings.seconds());
        ExecutorService pool = Executors.newFixedThreadPool(settings.clients() + 1);
        pool.submit(() -> sampleThreads(end));
        List<java.util.concurrent.Future<?>> clients = new ArrayList<>();
        for (int c = 0; c < settings.clients(); c++) {
            int kind = c % 3;
            clients.add(pool.submit(() -> {
                if (kind == 2) {
                    flood(end);
                } else {
                    client(end, kind == 0);
                }
            }));
        }
        for (java.util.concurrent.Future<?> f : clients) {
            f.get(settings.seconds() + 600L, TimeUnit.SECONDS);
        }
        pool.shutdownNow();
        for (String id : ids) { // what is still queued or running is cancelled: it must still end in a final state
            send(post("/jobs/" + id + "/cancel", "{}"));
        }
        int lost = 0;
        Map<String, Integer> finals = new java.util.TreeMap<>();
        for (String id : ids) {
            String state = awaitTerminal(id, System.nanoTime() + TimeUnit.SECONDS.toNanos(60));
            finals.merge(state, 1, Integer::sum);
            if (!state.equals("SUCCEEDED") && !state.equals("CANCELLED")) {
                lost++;
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("clients", settings.clients());
        out.put("seconds", settings.seconds());
        out.put("job", Map.of("width", settings.size(), "height", settings.size(), "steps", settings.steps()));
        out.put("accepted", accepted.get());
        out.put("finalStates", finals);
        out.put("lost", lost);
        out.put("rejected429", Map.of("submit", submitRejected.get(), "stream", streamRejected.get()));
        out.put("streamsFollowed", streams.get());
        out.put("otherErrors", errors.get());
        out.put("requestLatencyMs", percentiles(requestMs));
        out.put("jobLatencyMs", percentiles(jobMs));
        out.put("peakThreads", peakThreads);
        out.put("peakRssMb", ProcessMemory.peakRssMb());
        return out;
    }

    private void client(long end, boolean streaming) {
        while (System.nanoTime() < end) {
            try {
                long t0 = System.nanoTime();
                String id = submit("a photo of a dog");
                if (id == null) {
                    continue;
                }
                boolean followed = streaming && follow(id, end);
                String state = followed ? "STREAMED" : awaitTerminal(id, end);
                if (!state.equals("UNFINISHED") && System.nanoTime() < end) {
                    jobMs.add((System.nanoTime() - t0) / 1e6);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (Exception e) {
                errors.incrementAndGet();
            }
        }
    }

    /**
     * Submits one generate job and counts the answer: its id when accepted, null when refused (after a short pause
     * on 429) or failed.
     */
    private String submit(String prompt) throws Exception {
        HttpResponse<String> r = send(post("/jobs/generate", "{\"prompt\":\"" + prompt + "\",\"seed\":"
                + seeds.incrementAndGet() + ",\"steps\":" + settings.steps() + ",\"width\":" + settings.size()
                + ",\"height\":" + settings.size() + "}"));
        if (r.statusCode() == 429) {
            submitRejected.incrementAndGet();
            Thread.sleep(200);
            return null;
        }
        if (r.statusCode() != 202) {
            errors.incrementAndGet();
            return null;
        }
        accepted.incrementAndGet();
        String id = Json.MAPPER.readTree(r.body()).get("id").asText();
        ids.add(id);
        return id;
    }

    /** Submits without waiting; opens a stream per job, read in the background, at most 8 open at once. */
    private void flood(long end) {
        java.util.concurrent.Semaphore open = new java.util.concurrent.Semaphore(8);
        while (System.nanoTime() < end) {
            try {
                String id = submit("a photo of a cat");
                if (id == null) {
                    continue;
                }
                if (open.tryAcquire()) {
                    http.sendAsync(events(id), HttpResponse.BodyHandlers.discarding()).whenComplete((resp, err) -> {
                        open.release();
                        if (err != null) {
                            errors.incrementAndGet();
                        } else if (resp.statusCode() == 429) {
                            streamRejected.incrementAndGet();
                        } else if (resp.statusCode() == 200) {
                            streams.incrementAndGet();
                        } else {
                            errors.incrementAndGet();
                        }
                    });
                }
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (Exception e) {
                errors.incrementAndGet();
            }
        }
    }

    private HttpRequest events(String id) {
        return HttpRequest.newBuilder(URI.create(base + "/jobs/" + id + "/events"))
                .header("Authorization", "Bearer " + token).header("Accept", "text/event-stream")
                .timeout(Duration.ofMinutes(5)).build();
    }

    /**
     * Follows the job on its event stream until it ends or the run does; false when the stream was refused (429) and
     * the job must be polled.
     */
    private boolean follow(String id, long end) throws Exception {
        java.util.concurrent.CompletableFuture<HttpResponse<Void>> f = http.sendAsync(events(id),
                HttpResponse.BodyHandlers.discarding());
        HttpResponse<Void> r;
        try {
            r = f.get(Math.max(1, end - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (java.util.concurrent.TimeoutException stillStreaming) {
            f.cancel(true);
            streams.incrementAndGet();
            return true;
        }
        if (r.statusCode() == 429) {
            streamRejected.incrementAndGet();
            return false;
        }
        if (r.statusCode() != 200) {
            errors.incrementAndGet();
            return false;
        }
        streams.incrementAndGet();
        return true;
    }

    private String awaitTerminal(String id, long deadline) throws Exception {
        while (System.nanoTime() < deadline) {
            HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(base + "/jobs/" + id))
                    .header("Authorization", "Bearer " + token).build());
            if (r.statusCode() == 404) {
                return "GONE";
            }
            JsonNode job = Json.MAPPER.readTree(r.body());
            String state = job.path("state").asText();
            if (state.equals("SUCCEEDED") || state.equals("FAILED") || state.equals("CANCELLED")) {
                return state;
            }
            Thread.sleep(50);
        }
        return "UNFINISHED";
    }

    private HttpResponse<String> send(HttpRequest req) throws Exception {
        long t0 = System.nanoTime();
        HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
        requestMs.add((System.nanoTime() - t0) / 1e6);
        return r;
    }

    private HttpRequest post(String path, String json) {
        return HttpRequest.newBuilder(URI.create(base + path)).header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build();
    }

    private void sampleThreads(long end) {
        while (System.nanoTime() < end + TimeUnit.SECONDS.toNanos(2)) {
            peakThreads = Math.max(peakThreads, ManagementFactory.getThreadMXBean().getThreadCount());
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private static Map<String, Object> percentiles(List<Double> values) {
        List<Double> sorted;
        synchronized (values) {
            sorted = new ArrayList<>(values);
        }
        Collections.sort(sorted);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("count", sorted.size());
        out.put("p50", sorted.isEmpty() ? 0 : round(sorted.get(sorted.size() / 2)));
        out.put("p95", sorted.isEmpty() ? 0 : round(sorted.get(Math.min(sorted.size() - 1,
                (int) (sorted.size() * 0.95)))));
        return out;
    }

    private static double round(double v) {
        return Math.round(v * 10) / 10.0;
    }
}
