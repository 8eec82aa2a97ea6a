package dev.likeness.server.store;

import dev.likeness.server.jobs.JobError;
import dev.likeness.server.jobs.JobProgress;
import dev.likeness.server.jobs.JobState;
import java.time.Instant;

/** One job as the store holds it (without its spec and files), as a front mirrors it. */
record JobRow(String id, long seq, String kind, String submitter, JobState state, int attempts, String leaseOwner,
        boolean cancelRequested, Instant created, Instant started, Instant finished, JobError error,
        JobProgress progress, long previewSeq, long changeSeq) {}
