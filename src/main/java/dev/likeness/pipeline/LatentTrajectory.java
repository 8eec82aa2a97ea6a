package dev.likeness.pipeline;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;

/**
 * The latents of one sampling or inversion run, by step index: {@code at(i)} is what step {@code i} starts from
 * ({@code i} in {@code [first, steps)}), {@code at(steps)} the clean latents at the end. It owns copies of them
 * (outside any NDScope) and frees them on {@link #close}.
 */
public final class LatentTrajectory implements AutoCloseable {
    private final NDArray[] latents;
    private final int first;

    public LatentTrajectory(int steps, int first) {
        if (first < 0 || first > steps) {
            throw new IllegalArgumentException("first step " + first + " outside [0, " + steps + "]");
        }
        this.latents = new NDArray[steps + 1];
        this.first = first;
    }

    public int steps() {
        return latents.length - 1;
    }

    public int first() {
        return first;
    }

    /** Keeps a copy of {@code value} as the latents at index {@code i} (replacing any earlier one). */
    public void put(int i, NDArray value) {
        if (i < first || i > steps()) {
            throw new IndexOutOfBoundsException("index " + i + " outside [" + first + ", " + steps() + "]");
        }
        NDArray copy = value.duplicate();
        NDScope.unregister(copy);
        if (latents[i] != null) {
            latents[i].close();
        }
        latents[i] = copy;
    }

    public NDArray at(int i) {
        NDArray a = i >= first && i <= steps() ? latents[i] : null;
        if (a == null) {
            throw new IllegalStateException("the trajectory has no latents at step " + i + " (it holds "
                    + first + ".." + steps() + ")");
        }
        return a;
    }

    /** The clean latents the run ends on (sampling) or starts from (inversion). */
    public NDArray clean() {
        return at(steps());
    }

    /** Whether every index from {@code first} to {@code steps} is filled. */
    public boolean complete() {
        for (int i = first; i <= steps(); i++) {
            if (latents[i] == null) {
                return false;
            }
        }
        return true;
    }

    @Override
    public void close() {
        for (int i = 0; i < latents.length; i++) {
            if (latents[i] != null) {
                latents[i].close();
                latents[i] = null;
            }
        }
    }
}
