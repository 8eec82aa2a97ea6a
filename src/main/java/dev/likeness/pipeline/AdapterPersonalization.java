package dev.likeness.pipeline;

import dev.likeness.engine.nn.Linear;
import dev.likeness.engine.nn.LinearAdapter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A personalization that lives in {@link LinearAdapter}s (LoRA deltas, Perfusion's gated edits): off removes the
 * adapters from their layers, on appends them again. Re-adding puts them after any adapter added to the same layer
 * since, so a layer that mixes concepts should be switched as one handle.
 */
public final class AdapterPersonalization implements Personalization {
    private final Map<Linear, List<LinearAdapter>> adapters;
    private boolean active = true;

    /** @param adapters the concept's adapters by layer, as currently attached */
    public AdapterPersonalization(Map<Linear, List<LinearAdapter>> adapters) {
        this.adapters = new LinkedHashMap<>();
        adapters.forEach((layer, list) -> this.adapters.put(layer, List.copyOf(list)));
    }

    @Override
    public synchronized void setActive(boolean on) {
        if (on == active) {
            return;
        }
        adapters.forEach((layer, list) -> {
            for (LinearAdapter a : list) {
                if (on) {
                    layer.addAdapter(a);
                } else {
                    layer.removeAdapter(a);
                }
            }
        });
        active = on;
    }
}
