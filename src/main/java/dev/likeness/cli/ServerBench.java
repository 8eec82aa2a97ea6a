package dev.likeness.cli;

import dev.likeness.server.LikenessServer;
import dev.likeness.server.config.ServerConfig;
import dev.likeness.util.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The server under load on loopback: job-status polling throughput from several keep-alive clients, and generate
 * latency (submit to finished, real engine) on the given model (default: the demo model).
 */
@Command(name = "server", description = "Status-polling throughput and generate latency of the real server, or "
        + "(--load) a bounded load test (JSON).")
final class ServerBench implements Callable<Integer> {
    @Option(names = "--model", description = "Model to serve (default: the built-in demo model)")
    Path model;

    @Option(names = "--clients", defaultValue = "4")
    int clients;

    @Option(names = "--seconds", defaultValue = "3", description = "Duration of the polling phase")
    int seconds;

    @Option(names = "--jobs", defaultValue = "10", description = "Generate jobs to time")
    int jobs;

    @Option(names = "--steps", defaultValue = "20")
    int steps;

    @Option(names = "--size", defaultValue = "64")
    int size;

    @Option(names = "--load", description = "Load test instead: --clients clients submitting, polling and streaming "
            + "at once for --seconds seconds (suggested: --clients 16 --seconds 20 --steps 4)")
    boolean load;

    @Override
    public Integer call() throws Exception {
        Path data = Files.createTempDirectory("likeness-bench-");
        ServerConfig config = ServerConfig.defaults(data).withPort(0).withPy4jPort(-1)
                .withModelsDir(ModelLocator.modelsDir()).withModel(model == null ? null : model.toAbsolutePath());
        try (LikenessServer server = LikenessServer.start(config, new LocalEngine())) {
            if (load) {
                Map<String, Object> out = new LinkedHashMap<>();
                out.put("benchmark", "server-load");
                out.put("model", model == null ? "likeness-demo" : model.toString());
                out.put("cpus", Runtime.getRuntime().availableProcessors());
                out.put("java", System.getProperty("java.version"));
                out.putAll(new ServerLoad(server.port(), server.token(),
                        new ServerLoad.Settings(clients, seconds, steps, size)).run());
                System.out.println(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(out));
                return 0;
            }
            HttpClient client = HttpClient.newHttpClient();
            String base = "http://127.0.0.1:" + server.port() + "/api/v1";
            String first = submit(client, base, server.token(), 0);
            awaitDone(client, base, server.token(), first);

            HttpRequest status = get(base + "/jobs/" + first, server.token());
            for (int i = 0; i < 200; i++) {
                client.send(status, HttpResponse.BodyHandlers.discarding());
            }
            ExecutorService pool = Executors.newFixedThreadPool(clients);
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            List<Future<Integer>> workers = new ArrayList<>();
            for (int t = 0; t < clients; t++) {
                workers.add(pool.submit(() -> {
                    int ok = 0;
                    while (System.nanoTime() < end) {
                        if (client.send(status, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                            ok++;
                        }
                    }
                    return ok;
                }));
            }
            long polled = 0;
            for (Future<Integer> f : workers) {
                polled += f.get(seconds + 60L, TimeUnit.SECONDS);
            }
            pool.shutdown();

            List<Double> latencies = new ArrayList<>();
            for (int i = 0; i < jobs; i++) {
                long t0 = System.nanoTime();
                awaitDone(client, base, server.token(), submit(client, base, server.token(), i + 1));
                latencies.add((System.nanoTime() - t0) / 1e6);
            }
            Collections.sort(latencies);
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("benchmark", "server");
            out.put("model", model == null ? "likeness-demo" : model.toString());
            out.put("cpus", Runtime.getRuntime().availableProcessors());
            out.put("java", System.getProperty("java.version"));
            out.put("statusPollingRequestsPerSecond", Math.round(polled / (double) seconds));
            out.put("pollingClients", clients);
            Map<String, Object> gen = new LinkedHashMap<>();
            gen.put("width", size);
            gen.put("height", size);
            gen.put("steps", steps);
            gen.put("jobs", jobs);
            gen.put("meanMs", round(latencies.stream().mapToDouble(Double::doubleValue).average().orElse(0)));
            gen.put("p50Ms", round(latencies.get(latencies.size() / 2)));
            gen.put("p95Ms", round(latencies.get(Math.min(latencies.size() - 1, (int) (latencies.size() * 0.95)))));
            out.put("generateLatency", gen);
            System.out.println(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(out));
        }
        return 0;
    }

    private String submit(HttpClient client, String base, String token, int seed) throws Exception {
        String body = "{\"prompt\":\"a photo of a dog\",\"seed\":" + seed + ",\"steps\":" + steps + ",\"width\":" + size
                + ",\"height\":" + size + "}";
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(base + "/jobs/generate"))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 202) {
            throw new IllegalStateException("submit failed: " + r.body());
        }
        return Json.MAPPER.readTree(r.body()).get("id").asText();
    }

    private static void awaitDone(HttpClient client, String base, String token, String id) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
        while (System.nanoTime() < deadline) {
            String state = Json.MAPPER.readTree(client.send(get(base + "/jobs/" + id, token),
                    HttpResponse.BodyHandlers.ofString()).body()).get("state").asText();
            if (state.equals("SUCCEEDED")) {
                return;
            }
            if (state.equals("FAILED") || state.equals("CANCELLED")) {
                throw new IllegalStateException("job " + id + " " + state);
            }
            Thread.sleep(2);
        }
        throw new IllegalStateException("job " + id + " did not finish");
    }

    private static HttpRequest get(String url, String token) {
        return HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + token).build();
    }

    private static double round(double v) {
        return Math.round(v * 10) / 10.0;
    }
}
