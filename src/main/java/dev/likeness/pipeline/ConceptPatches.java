package dev.likeness.pipeline;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Changes that applied concepts made to a model's modules (LoRA adapters on projections, ...), each with the action
 * that undoes it. Unlike Textual Inversion tokens, which only act when a prompt names them, a patch changes every
 * output, so a request applies its concepts inside {@link #forRequest()}: closing that handle removes them all (a
 * request's concepts apply to it alone).
 *
 * <p>As a {@link ConceptSwitch}, the patches switch off and on together (Layout-and-Retouch's base-model steps).
 */
public final class ConceptPatches implements ConceptSwitch {
    private record Patch(Runnable undo, ConceptSwitch toggle) {}

    private final Map<String, Patch> patches = new LinkedHashMap<>();
    private boolean active = true;

    /** Records a patch that cannot be switched off; {@link #setActive setActive(false)} then fails. */
    public synchronized void put(String concept, Runnable undoAction) {
        put(concept, undoAction, ConceptSwitch.alwaysOn("concept '" + concept + "' cannot be switched off"));
    }

    /** Records a concept's patch; a patch the concept already had is undone first (re-applying replaces). */
    public synchronized void put(String concept, Runnable undoAction, ConceptSwitch toggle) {
        remove(concept);
        if (!active) {
            toggle.setActive(false);
        }
        patches.put(concept, new Patch(undoAction, toggle));
    }

    public synchronized void remove(String concept) {
        Patch p = patches.remove(concept);
        if (p != null) {
            p.undo().run();
        }
    }

    /**
     * A handle for one request's concepts: {@code try (Applied a = model.conceptPatches().forRequest()) { apply...;
     * run... }} removes every patch when the request ends, however it ends.
     */
    public Applied forRequest() {
        return this::clear;
    }

    /** Undoes every patch, newest first, and leaves the switch on. */
    public synchronized void clear() {
        List<String> names = new ArrayList<>(patches.keySet());
        Collections.reverse(names);
        names.forEach(this::remove);
        active = true;
    }

    public synchronized Set<String> active() {
        return Set.copyOf(patches.keySet());
    }

    /** Off: every patch is lifted and the model computes as the base model; on: they are back. */
    @Override
    public synchronized void setActive(boolean on) {
        if (on == active) {
            return;
        }
        for (Patch p : patches.values()) {
            p.toggle().setActive(on);
        }
        active = on;
    }
}
