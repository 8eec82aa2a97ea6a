package dev.likeness.server.jobs;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Turns whatever a runner threw into a {@link JobError}. CUDA out-of-memory arrives from DJL as an
 * {@code EngineException} whose message contains "out of memory"; it gets its own code and a hint.
 */
public final class GpuErrors {
    public static final String GPU_OUT_OF_MEMORY = "GPU_OUT_OF_MEMORY";
    private static final Pattern ABSOLUTE_PATH =
            Pattern.compile("(?:[A-Za-z]:)?[\\\\/](?:[^\\s'\"\\\\/]+[\\\\/])+([^\\s'\"\\\\/]+)");

    /** "java.lang.IllegalStateException: " or "dev.x.FooException: " at the start of a message or after ": ". */
    private static final Pattern CLASS_PREFIX =
            Pattern.compile("(?:^|(?<=: ))(?:[a-z_$][\\w$]*\\.)+[A-Z][\\w$]*(?:Exception|Error|Throwable)?: ?");

    private GpuErrors() {}

    public static JobError classify(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof JobFailure f) {
                return new JobError(f.code(), f.getMessage());
            }
        }
        for (Throwable c = t; c != null; c = c.getCause()) {
            String msg = c.getMessage() == null ? "" : c.getMessage().toLowerCase(Locale.ROOT);
            boolean engine = c.getClass().getName().startsWith("ai.djl.");
            if (msg.contains("out of memory") && (engine || msg.contains("cuda"))) {
                return new JobError(GPU_OUT_OF_MEMORY, "The GPU ran out of memory (" + firstLine(c.getMessage())
                        + "). Try a smaller image size, fewer images per batch, or close other programs using the GPU.");
            }
        }
        if (t instanceof OutOfMemoryError) {
            return new JobError("SERVER_OUT_OF_MEMORY", "The server ran out of Java heap memory during this job.");
        }
        return new JobError("JOB_FAILED", withoutDirectories(userMessage(t)));
    }

    /**
     * The message a user reads: the first message in the cause chain that is more than the wrapped cause's
     * {@code toString()}, with Java class names removed ("dev.likeness...WeightsFormatException: bad header" becomes
     * "bad header"). The class itself goes to the server log only.
     */
    static String userMessage(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            String m = c.getMessage();
            if (m == null || m.isBlank() || (c.getCause() != null && m.equals(c.getCause().toString()))) {
                continue;
            }
            String clean = CLASS_PREFIX.matcher(firstLine(m)).replaceAll("").strip();
            if (!clean.isEmpty()) {
                return clean;
            }
        }
        return "the job failed; the server log has the details";
    }

    /** Clients see file names, never the server's directories: "/home/u/x/model.bin" becomes "model.bin". */
    static String withoutDirectories(String message) {
        return ABSOLUTE_PATH.matcher(message).replaceAll("$1");
    }

    private static String firstLine(String s) {
        String line = s.strip().lines().findFirst().orElse("");
        return line.length() > 300 ? line.substring(0, 300) + "…" : line;
    }
}
