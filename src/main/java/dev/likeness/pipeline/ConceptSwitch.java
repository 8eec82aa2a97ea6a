package dev.likeness.pipeline;

/**
 * What a personalization method changed in a loaded model, as a switch: off gives the base model back, on the
 * personalized one. Layout-and-Retouch samples its first steps with the base model (off) and the rest with the
 * personalized one (on); PALP's teacher pass needs the same switch.
 *
 * <p>How methods plug in: Textual Inversion changes no weights (its token simply is not in the base prompt), so it
 * uses {@link #PROMPT_ONLY}. Methods that attach {@code LinearAdapter}s (LoRA) register an attach/detach switch with
 * {@link ConceptPatches}; Perfusion gates its edit on the prompt naming its token. A method that rewrites
 * weights in place (full DreamBooth) must keep what it replaced and implement {@link #setActive} by swapping the
 * tensors back.
 */
public interface ConceptSwitch {
    /** Textual Inversion: nothing to switch; the prompt alone selects the concept. */
    ConceptSwitch PROMPT_ONLY = active -> { };

    /** For a personalization that cannot be turned off: on is a no-op, off fails with {@code why}. */
    static ConceptSwitch alwaysOn(String why) {
        return active -> {
            if (!active) {
                throw new UnsupportedOperationException(why);
            }
        };
    }

    /** The base model until the handle closes, then the personalized one again. */
    default Applied switchedOff() {
        setActive(false);
        return () -> setActive(true);
    }

    /** Turns the personalized weights on (the state after the concept is applied) or off (the base model). */
    void setActive(boolean active);
}
