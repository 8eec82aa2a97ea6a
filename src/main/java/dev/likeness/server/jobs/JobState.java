package dev.likeness.server.jobs;

/** Lifecycle of a job. QUEUED and RUNNING survive a restart; the others are final. */
public enum JobState {
    QUEUED, RUNNING, SUCCEEDED, FAILED, CANCELLED;

    public boolean terminal() {
        return this == SUCCEEDED || this == FAILED || this == CANCELLED;
    }
}
