package dev.likeness.server.store;

import dev.likeness.server.jobs.JobState;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The queue's own cost: no-op jobs submitted, claimed and finished by {@code workers} claiming threads, each with
 * its own connections as separate worker processes have. Its jobs are of a kind no worker runs, and are deleted after.
 */
public final class QueueBenchmark {
    static final String KIND = "bench-noop";

    /** One round: claim latency percentiles and scheduling throughput. */
    public record Round(int workers, int jobs, double claimMsP50, double claimMsP95, double jobsPerSecond,
            double submitMsP50) {}

    private QueueBenchmark() {}

    public static Round run(StoreSettings settings, int workers, int jobCount) throws Exception {
        try (Store submitter = Store.open(settings)) {
            clear(submitter);
            double[] submitMs = new double[jobCount];
            String prefix = "bench" + Long.toHexString(System.nanoTime());
            for (int i = 0; i < jobCount; i++) {
                long t = System.nanoTime();
                submitter.jobs().insert(new SharedJobs.NewJob(prefix + "-" + i, KIND, "{}", List.of(), null, null));
                submitMs[i] = (System.nanoTime() - t) / 1e6;
            }
            ExecutorService pool = Executors.newFixedThreadPool(workers);
            List<Future<List<Double>>> threads = new ArrayList<>();
            long start = System.nanoTime();
            for (int w = 0; w < workers; w++) {
                String id = settings.nodeId() + "-bench-" + w;
                threads.add(pool.submit(() -> claimUntilEmpty(settings, id)));
            }
            List<Double> claims = new ArrayList<>();
            for (Future<List<Double>> f : threads) {
                claims.addAll(f.get());
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            pool.shutdown();
            clear(submitter);
            if (claims.size() != jobCount) {
                throw new IllegalStateException(claims.size() + " claims for " + jobCount + " jobs");
            }
            double[] sorted = claims.stream().mapToDouble(Double::doubleValue).sorted().toArray();
            Arrays.sort(submitMs);
            return new Round(workers, jobCount, round(percentile(sorted, 0.5)), round(percentile(sorted, 0.95)),
                    round(jobCount / seconds), round(percentile(submitMs, 0.5)));
        }
    }

    private static List<Double> claimUntilEmpty(StoreSettings settings, String worker) {
        List<Double> ms = new ArrayList<>();
        try (Store own = Store.open(settings)) {
            while (true) {
                long t = System.nanoTime();
                SharedJobs.Claim c = own.jobs().claim(worker, List.of(KIND), null, settings.lease(), Duration.ZERO);
                if (c == null) {
                    return ms;
                }
                ms.add((System.nanoTime() - t) / 1e6);
                own.jobs().finish(c.id(), worker, JobState.SUCCEEDED, null, List.of());
            }
        }
    }

    private static void clear(Store store) {
        store.jobs().database().transaction(c -> {
            try (PreparedStatement st = c.prepareStatement("DELETE FROM likeness_jobs WHERE kind = ?")) {
                st.setString(1, KIND);
                st.executeUpdate();
            }
            return null;
        });
    }

    private static double percentile(double[] sorted, double p) {
        return sorted[Math.min(sorted.length - 1, (int) Math.floor(p * sorted.length))];
    }

    private static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }
}
