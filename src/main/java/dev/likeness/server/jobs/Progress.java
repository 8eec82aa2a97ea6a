package dev.likeness.server.jobs;

/** Last progress report of a running job: step {@code step} of {@code total}, with a short phase message. */
public record Progress(int step, int total, String message) {
    public static final Progress NONE = new Progress(0, 0, "");
}
