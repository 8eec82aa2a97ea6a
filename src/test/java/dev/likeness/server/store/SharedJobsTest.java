package dev.likeness.server.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.likeness.server.jobs.JobState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The job table's claim, lease, ordering and idempotence rules, on a real PostgreSQL. */
class SharedJobsTest {
    private static final Duration LEASE = Duration.ofSeconds(30);
    private static final List<String> KINDS = List.of("generate");
    private Store store;
    private SharedJobs jobs;

    @BeforeEach
    void open() throws Exception {
        StoreUrl url = PgTestServer.get().createDatabase("jobs");
        store = Store.open(PgTestServer.settings(url, "test", null, LEASE));
        jobs = store.jobs();
    }

    @AfterEach
    void close() {
        store.close();
    }

    private void submit(String id, String submitter, String model) {
        jobs.insert(new SharedJobs.NewJob(id, "generate", "{}", List.of(), submitter, model));
    }

    @Test
    void concurrentWorkersClaimEachJobOnce() throws Exception {
        for (int i = 0; i < 60; i++) {
            submit("j" + i, null, null);
        }
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<List<String>>> claims = new ArrayList<>();
        for (int w = 0; w < 8; w++) {
            String worker = "w" + w;
            claims.add(pool.submit(() -> {
                List<String> mine = new ArrayList<>();
                SharedJobs.Claim c;
                while ((c = jobs.claim(worker, KINDS, null, LEASE, Duration.ZERO)) != null) {
                    mine.add(c.id());
                    assertTrue(jobs.finish(c.id(), worker, JobState.SUCCEEDED, null, List.of()));
                }
                return mine;
            }));
        }
        List<String> all = new ArrayList<>();
        for (Future<List<String>> f : claims) {
            all.addAll(f.get());
        }
        pool.shutdown();
        assertEquals(60, all.size());
        assertEquals(60, new HashSet<>(all).size(), "a job was claimed twice");
    }

    @Test
    void aJobWhoseLeaseRanOutGoesToAnotherWorkerAndOnlyOneResultIsStored() throws Exception {
        submit("j1", null, null);
        SharedJobs.Claim first = jobs.claim("dead", KINDS, null, Duration.ofSeconds(1), Duration.ZERO);
        assertEquals(1, first.attempt());
        assertNull(jobs.claim("other", KINDS, null, LEASE, Duration.ZERO), "claimed while the lease holds");
        Thread.sleep(1300);
        SharedJobs.Claim second = jobs.claim("other", KINDS, null, LEASE, Duration.ZERO);
        assertEquals("j1", second.id());
        assertEquals(2, second.attempt());
        assertFalse(jobs.renew("j1", "dead", LEASE).held());
        List<SharedJobs.StoredFile> a = List.of(new SharedJobs.StoredFile("result-0.png", "aa", 1));
        List<SharedJobs.StoredFile> b = List.of(new SharedJobs.StoredFile("result-0.png", "bb", 1));
        assertTrue(jobs.finish("j1", "other", JobState.SUCCEEDED, null, b));
        assertFalse(jobs.finish("j1", "dead", JobState.SUCCEEDED, null, a), "the stale worker stored a result");
        assertFalse(jobs.finish("j1", "other", JobState.SUCCEEDED, null, a), "a finish was stored twice");
        assertEquals(List.of(new SharedJobs.StoredFile("result-0.png", "bb", 1)), jobs.files("j1", "results"));
        assertEquals(JobState.SUCCEEDED, jobs.row("j1").state());
    }

    @Test
    void aRetriedInsertStoresTheJobOnce() {
        submit("j1", null, null);
        submit("j1", null, null);
        assertEquals(1, jobs.changedSince(0, 100).size());
    }

    @Test
    void eachSubmittersJobsRunInOrderWhileOthersGoAhead() {
        submit("a1", "ann", null);
        submit("a2", "ann", null);
        submit("b1", "bob", null);
        assertEquals("a1", jobs.claim("w1", KINDS, null, LEASE, Duration.ZERO).id());
        assertEquals("b1", jobs.claim("w2", KINDS, null, LEASE, Duration.ZERO).id(), "a2 overtook a1");
        assertNull(jobs.claim("w3", KINDS, null, LEASE, Duration.ZERO));
        jobs.finish("a1", "w1", JobState.SUCCEEDED, null, List.of());
        assertEquals("a2", jobs.claim("w3", KINDS, null, LEASE, Duration.ZERO).id());
    }

    @Test
    void cancelEndsAWaitingJobAndFlagsARunningOne() {
        submit("q", null, null);
        submit("r", null, null);
        assertEquals("q", jobs.claim("w", KINDS, null, LEASE, Duration.ZERO).id());
        jobs.cancel("r");
        assertEquals(JobState.CANCELLED, jobs.row("r").state());
        assertFalse(jobs.renew("q", "w", LEASE).cancelRequested());
        jobs.cancel("q");
        assertTrue(jobs.renew("q", "w", LEASE).cancelRequested());
        assertEquals(JobState.RUNNING, jobs.row("q").state());
    }

    @Test
    void aJobForALoadedModelWaitsForTheWorkerThatHasIt() throws Exception {
        store.workers().advertise(new StoreWorkers.Worker("w-sd15", "h", "cpu", 1, "sd15", KINDS, null));
        submit("j1", null, "sd15");
        submit("j2", null, null);
        assertEquals("j2", jobs.claim("w-demo", KINDS, "demo", LEASE, Duration.ofSeconds(30)).id());
        assertNull(jobs.claim("w-demo", KINDS, "demo", LEASE, Duration.ofSeconds(30)));
        assertEquals("j1", jobs.claim("w-sd15", KINDS, "sd15", LEASE, Duration.ofSeconds(30)).id());
    }

    @Test
    void aWorkerClaimsOnlyJobsThatFitItsMemory() {
        jobs.insert(new SharedJobs.NewJob("big", "generate", "{}", List.of(), null, null, 24_576L));
        jobs.insert(new SharedJobs.NewJob("small", "generate", "{}", List.of(), null, null, 4_096L));
        assertEquals("small", jobs.claim("laptop", KINDS, null, 8_192, LEASE, Duration.ZERO).id());
        assertNull(jobs.claim("laptop", KINDS, null, 8_192, LEASE, Duration.ZERO));
        assertEquals("big", jobs.claim("gpu-box", KINDS, null, 81_920, LEASE, Duration.ZERO).id());
    }

    @Test
    void aWorkerClaimsOnlyKindsItRuns() {
        jobs.insert(new SharedJobs.NewJob("p1", "personalize", "{}", List.of(), null, null));
        assertNull(jobs.claim("w", KINDS, null, LEASE, Duration.ZERO));
        assertNotNull(jobs.claim("w", List.of("personalize"), null, LEASE, Duration.ZERO));
    }

    @Test
    void aWorkerThatKeepsDyingFailsTheJobAfterTheLastAttempt() throws Exception {
        submit("j1", null, null);
        for (int i = 1; i <= SharedJobs.MAX_ATTEMPTS; i++) {
            assertEquals(i, jobs.claim("w" + i, KINDS, null, Duration.ofSeconds(1), Duration.ZERO).attempt());
            Thread.sleep(1100);
        }
        assertNull(jobs.claim("last", KINDS, null, LEASE, Duration.ZERO));
        assertEquals("WORKER_LOST", jobs.row("j1").error().code());
    }

    @Test
    void migratingAgainChangesNothing() {
        StoreSchema.migrate(jobs.database());
        assertEquals(StoreSchema.MIGRATIONS.size(), StoreSchema.version(jobs.database()));
    }
}
