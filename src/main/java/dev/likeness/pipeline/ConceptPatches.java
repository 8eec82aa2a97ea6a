package dev.likeness.pipeline;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Changes that applied concepts made to a model's modules (LoRA adapters on projections, ...), each with the action
 * that undoes it. Unlike Textual Inversion tokens, which only act when a prompt names them, a patch changes every
 * output, so {@link StableDiffusion} removes them all when a request ends: a request's concepts apply to it alone.
 */
public final class ConceptPatches {
    private final Map<String, Runnable> undo = new LinkedHashMap<>();

    /** Records a concept's patch; a patch the concept already had is undone first (re-applying replaces). */
    public synchronized void put(String concept, Runnable undoAction) {
        remove(concept);
        undo.put(concept, undoAction);
    }

    public synchronized void remove(String concept) {
        Runnable r = undo.remove(concept);
        if (r != null) {
            r.run();
        }
    }

    /** Undoes every patch, newest first. */
    public synchronized void clear() {
        java.util.List<String> names = new java.util.ArrayList<>(undo.keySet());
        java.util.Collections.reverse(names);
        names.forEach(this::remove);
    }

    public synchronized Set<String> active() {
        return Set.copyOf(undo.keySet());
    }
}
