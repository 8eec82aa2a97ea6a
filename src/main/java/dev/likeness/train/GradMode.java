package dev.likeness.train;

import ai.djl.ndarray.NDScope;
import ai.djl.pytorch.jni.JniUtils;
import java.util.function.Supplier;

/** torch's grad mode is per thread and on by default in new threads: inference and optimizer updates turn it off. */
public final class GradMode {
    private GradMode() {}

    public static <T> T off(Supplier<T> body) {
        boolean was = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
        try {
            return body.get();
        } finally {
            JniUtils.setGradMode(was);
        }
    }

    /**
     * {@link #off(Supplier)} inside a fresh {@link NDScope}: every tensor the body makes is closed when it returns, so
     * the body must return plain Java values (an evaluation's losses).
     */
    public static <T> T offInScope(Supplier<T> body) {
        return off(() -> {
            try (NDScope scope = new NDScope()) {
                return body.get();
            }
        });
    }

    public static void off(Runnable body) {
        off(() -> {
            body.run();
            return null;
        });
    }
}
