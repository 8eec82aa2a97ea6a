package dev.likeness.engine.weights;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * What Likeness itself knows about each published family, so that a bare single file runs with nothing beside it:
 * the scheduler config, the native size and the tokenizer's padding (the tokenizer itself is the built-in CLIP BPE).
 * The layer sizes come from the tensor shapes; only what shapes cannot tell is here (see {@link ConfigInference}).
 */
public enum FamilyPreset {
    /** Stable Diffusion 1.x: PNDM, epsilon, 512 px, padding with the end token. */
    SD1(ModelFamily.SD1, "epsilon", 512),
    /** Stable Diffusion 2.x 512-base: PNDM with epsilon, as stable-diffusion-2-1-base ships. */
    SD2_BASE(ModelFamily.SD2, "epsilon", 512),
    /** Stable Diffusion 2.x 768-v: DDIM with v-prediction, as stable-diffusion-2-1 ships. */
    SD2_V(ModelFamily.SD2, "v_prediction", 768);

    private final ModelFamily family;
    private final String predictionType;
    private final int nativeSize;

    FamilyPreset(ModelFamily family, String predictionType, int nativeSize) {
        this.family = family;
        this.predictionType = predictionType;
        this.nativeSize = nativeSize;
    }

    public static FamilyPreset of(ModelFamily family, String predictionType) {
        if (family == ModelFamily.SD1) {
            return SD1;
        }
        return predictionType.equals("v_prediction") ? SD2_V : SD2_BASE;
    }

    public ModelFamily family() {
        return family;
    }

    public String predictionType() {
        return predictionType;
    }

    /** Width and height in pixels the family was trained at. */
    public int nativeSize() {
        return nativeSize;
    }

    /** SD 2.x tokenizers pad with "!" (id 0), SD 1.x with the end token. */
    public String padToken() {
        return family == ModelFamily.SD2 ? "!" : "<|endoftext|>";
    }

    public int padTokenId() {
        return family == ModelFamily.SD2 ? 0 : 49407;
    }

    ObjectNode scheduler() {
        ObjectNode s = this == SD2_V ? DiffusersDefaults.scheduler(ModelFamily.SD2) : DiffusersDefaults.scheduler(ModelFamily.SD1);
        s.put("prediction_type", predictionType);
        return s;
    }
}
