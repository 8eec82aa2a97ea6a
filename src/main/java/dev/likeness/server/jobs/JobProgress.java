package dev.likeness.server.jobs;

/** Last progress report of a running job: step {@code step} of {@code total}, with a short phase message. */
public record JobProgress(int step, int total, String message) {
    public static final JobProgress NONE = new JobProgress(0, 0, "");
}
