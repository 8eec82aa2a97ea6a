package dev.likeness.cli;

import dev.likeness.server.store.QueueBenchmark;
import dev.likeness.server.store.StoreSettings;
import dev.likeness.util.Json;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code bench queue}: the studio queue's scheduling overhead on a PostgreSQL store, 1 to 8 workers, as JSON. */
@Command(name = "queue", description = "Times the studio queue with no-op jobs: claim latency p50/p95 and jobs/s of "
        + "scheduling overhead for each number of claiming workers, as JSON. Its jobs are deleted after.")
final class QueueBenchCommand implements Callable<Integer> {
    @Mixin
    StoreOptions store = new StoreOptions();

    @Option(names = "--jobs", defaultValue = "500", description = "No-op jobs per round (default: ${DEFAULT-VALUE})")
    int jobs;

    @Option(names = "--workers", split = ",", defaultValue = "1,2,4,8",
            description = "Worker counts, one round each (default: ${DEFAULT-VALUE})")
    List<Integer> workers;

    @Override
    public Integer call() throws Exception {
        if (!store.enabled()) {
            throw new IllegalArgumentException("bench queue needs --store postgresql://user@host:5432/likeness");
        }
        if (jobs < 1 || jobs > 100_000 || workers.stream().anyMatch(w -> w < 1 || w > 64)) {
            throw new IllegalArgumentException("--jobs must be 1-100000 and each --workers count 1-64");
        }
        StoreSettings settings = store.settings(StoreOptions.device());
        List<QueueBenchmark.Round> rounds = new ArrayList<>();
        for (int w : workers) {
            rounds.add(QueueBenchmark.run(settings, w, jobs));
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("store", settings.url().toString());
        out.put("cpuCores", Runtime.getRuntime().availableProcessors());
        out.put("rounds", rounds);
        System.out.println(Json.write(out));
        return 0;
    }
}
