package dev.likeness.engine.sched;

/**
 * The position of a run: steps must be taken one after another from the begin index (0, or where an img2img run
 * starts), because multistep history and the generator's stream both depend on the order.
 */
final class StepCursor {
    private final int steps;
    private int next;
    private int taken;

    StepCursor(int steps) {
        this.steps = steps;
    }

    int steps() {
        return steps;
    }

    void setBegin(int index) {
        if (taken > 0) {
            throw new IllegalStateException("setBeginIndex must come before the first step of a run");
        }
        check(index);
        next = index;
    }

    void check(int i) {
        if (i < 0 || i >= steps) {
            throw new IndexOutOfBoundsException("step " + i + " outside [0, " + steps + ")");
        }
    }

    /** Validates that step {@code i} is the next one and returns how many steps this run took before it. */
    int advance(int i) {
        check(i);
        if (i != next) {
            throw new IllegalStateException("step " + i + " taken out of order: expected step " + next
                    + " (an img2img run calls setBeginIndex first)");
        }
        next++;
        return taken++;
    }

    boolean isLast(int i) {
        return i == steps - 1;
    }
}
