package dev.likeness.train;

/** Receives each optimizer step on the training thread; must return quickly. */
@FunctionalInterface
public interface TrainingObserver {
    TrainingObserver NONE = step -> { };

    void onStep(TrainingStep step);

    /** This observer, then {@code next}. */
    default TrainingObserver andThen(TrainingObserver next) {
        return s -> {
            onStep(s);
            next.onStep(s);
        };
    }
}
