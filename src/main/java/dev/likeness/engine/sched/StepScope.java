package dev.likeness.engine.sched;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import java.util.function.Supplier;

/**
 * Runs one computation in its own {@link NDScope}, so that its temporaries are closed, and hands the result to the
 * caller's scope (if any) as a new array. Arrays a sampler keeps across steps are {@link #detach detached} inside
 * the computation instead, so that neither scope closes them; the sampler closes them when it drops them.
 */
final class StepScope {
    private StepScope() {}

    static NDArray result(Supplier<NDArray> body) {
        NDArray out;
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            out = body.get();
            NDScope.unregister(out);
        }
        NDScope.register(out);
        return out;
    }

    /** Takes {@code array} out of the innermost scope; the caller now owns it. */
    static NDArray detach(NDArray array) {
        NDScope.unregister(array);
        return array;
    }

    static void close(NDArray array) {
        if (array != null) {
            array.close();
        }
    }
}
