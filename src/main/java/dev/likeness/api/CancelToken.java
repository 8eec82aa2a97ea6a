package dev.likeness.api;

import dev.likeness.pipeline.CancelSignal;

/** Cancels a generation or a training run from another thread; the call then ends with {@link CancelledException}. */
public final class CancelToken {
    final CancelSignal signal = new CancelSignal();

    public void cancel() {
        signal.cancel();
    }

    public boolean isCancelled() {
        return signal.isCancelled();
    }
}
