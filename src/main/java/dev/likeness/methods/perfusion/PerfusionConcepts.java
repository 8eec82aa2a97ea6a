package dev.likeness.methods.perfusion;

import dev.likeness.concepts.ConceptManifest;
import dev.likeness.methods.ConceptAdapter;
import dev.likeness.pipeline.SdModel;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/** A Perfusion concept: its gated rank-one edit, with the strength (β, τ), locking and form chosen per use. */
public final class PerfusionConcepts implements ConceptAdapter {
    @Override
    public void apply(SdModel model, Path concept, ConceptManifest manifest, Map<String, String> options)
            throws IOException {
        PerfusionSettings defaults = new PerfusionSettings(manifest.details().path("beta").asDouble(Perfusion.BETA),
                manifest.details().path("tau").asDouble(Perfusion.TAU), false, false);
        PerfusionSettings settings;
        try {
            settings = PerfusionSettings.of(options, defaults);
        } catch (IllegalArgumentException e) {
            throw new IOException("concept '" + manifest.name() + "': " + e.getMessage(), e);
        }
        PerfusionRuntime.of(model).put(PerfusionConcept.read(concept.resolve(PerfusionConcept.FILE)), settings);
    }

    @Override
    public boolean takesOptions() {
        return true;
    }
}
