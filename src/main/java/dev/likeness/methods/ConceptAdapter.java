package dev.likeness.methods;

import dev.likeness.concepts.ConceptManifest;
import dev.likeness.pipeline.ConceptSwitch;
import dev.likeness.pipeline.SdModel;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * What a method's trained concept does after training: how it is applied to a loaded model for a generation, which
 * formats it exports to, and what Layout-and-Retouch switches off for its base-model steps. Each
 * {@link PersonalizationMethod} has one; {@link ConceptApplier} and {@link ConceptExport} only find it by the
 * concept's method.
 */
public interface ConceptAdapter {
    /**
     * Applies the concept folder to {@code model} for the current request. {@code options} are the per-use options of
     * a concept reference ({@code name@beta=0.65}); only adapters that {@link #takesOptions()} are given any.
     */
    void apply(SdModel model, Path concept, ConceptManifest manifest, Map<String, String> options) throws IOException;

    /** Whether per-use options (Perfusion's strength, locking and form) mean anything to this method's concepts. */
    default boolean takesOptions() {
        return false;
    }

    /** Writes the concept in another tool's format; {@code out} does not exist yet. */
    default void export(Path concept, ConceptManifest manifest, String format, Path out) throws IOException {
        throw new IOException("export of " + manifest.method() + " concepts is not available in this version");
    }

    /**
     * What Layout-and-Retouch turns off for the base-model steps, after {@link #apply}. The default is the model's
     * concept patches: LoRA-based concepts are lifted, and token-based ones (Textual Inversion, Perfusion) act only
     * where a prompt names their token, which the class prompt of the base steps does not.
     */
    default ConceptSwitch baseSteps(SdModel model, ConceptManifest manifest) {
        return model.conceptPatches();
    }
}
