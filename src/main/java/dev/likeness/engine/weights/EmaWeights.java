package dev.likeness.engine.weights;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The EMA copy of the UNet that LDM training checkpoints carry as {@code model_ema.*}. LDM's LitEma names each
 * buffer after its parameter with the dots removed: {@code model.diffusion_model.input_blocks.0.0.weight} is
 * {@code model_ema.diffusion_modelinput_blocks00weight}.
 */
final class EmaWeights {
    static final String PREFIX = "model_ema.";

    private EmaWeights() {}

    static String emaName(String stored) {
        return PREFIX + stored.substring("model.".length()).replace(".", "");
    }

    /** The plan with every UNet tensor read from its EMA copy; every one must be there with the same shape. */
    static CheckpointPlan use(String where, CheckpointPlan plan, Map<String, long[]> shapes)
            throws WeightsFormatException {
        if (shapes.keySet().stream().noneMatch(n -> n.startsWith(PREFIX + "diffusion_model"))) {
            throw new WeightsFormatException(where + "--ema: this file has no EMA weights (" + PREFIX + "*); it is"
                    + " probably EMA-only already (as *-emaonly and *-ema-pruned files are) — load it without --ema");
        }
        Map<String, TensorRoute> unet = new LinkedHashMap<>();
        for (TensorRoute r : plan.unet().values()) {
            String ema = emaName(r.source());
            long[] shape = shapes.get(ema);
            if (shape == null) {
                throw new WeightsFormatException(where + "--ema: no EMA copy of '" + r.source() + "' (expected '"
                        + ema + "')");
            }
            if (!Arrays.equals(shape, shapes.get(r.source()))) {
                throw new WeightsFormatException(where + "--ema: '" + ema + "' has shape " + Arrays.toString(shape)
                        + " but '" + r.source() + "' has " + Arrays.toString(shapes.get(r.source())));
            }
            unet.put(r.target(), new TensorRoute(r.target(), ema, r.shape(), r.transform()));
        }
        return new CheckpointPlan(plan.family(), unet, plan.vae(), plan.text());
    }
}
