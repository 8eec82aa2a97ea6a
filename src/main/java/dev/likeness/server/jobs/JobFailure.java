package dev.likeness.server.jobs;

/** Thrown by a runner to fail its job with a specific code and a message meant for the user. */
public final class JobFailure extends RuntimeException {
    private final String code;

    public JobFailure(String code, String message) {
        super(message);
        this.code = code;
    }

    public String code() {
        return code;
    }
}
