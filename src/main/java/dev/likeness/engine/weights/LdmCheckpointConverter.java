package dev.likeness.engine.weights;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/**
 * Plans the conversion of an original (LDM, "single-file") checkpoint to diffusers names from tensor names and
 * shapes alone. Tensors outside the three model prefixes (LDM schedule buffers such as {@code betas} and
 * {@code alphas_cumprod}, {@code model_ema.*} copies, ...) are ignored; unknown tensors inside them are errors,
 * so a model of another architecture is refused rather than half-loaded.
 */
final class LdmCheckpointConverter {
    /** Depth of the OpenCLIP ViT-H/14 text tower that SD 2.x ships whole; diffusers keeps all but the last block. */
    private static final int OPENCLIP_VIT_H_BLOCKS = 24;

    private LdmCheckpointConverter() {}

    /**
     * @param where       the file name, for messages
     * @param textLayers  the text encoder depth wanted (from a config folder), if known
     */
    static CheckpointPlan plan(String where, Map<String, long[]> shapes, OptionalInt textLayers)
            throws WeightsFormatException {
        ModelFamily family = detectFamily(where, shapes);
        Map<String, long[]> unet = local(shapes, LdmUnetNames.PREFIX);
        Map<String, long[]> vae = local(shapes, LdmVaeNames.PREFIX);
        if (vae.isEmpty()) {
            throw new WeightsFormatException(where + "no VAE weights (" + LdmVaeNames.PREFIX + "*) in this checkpoint");
        }
        LdmComponentNames textNames;
        Map<String, long[]> text;
        if (family == ModelFamily.SD2) {
            text = local(shapes, OpenClipNames.PREFIX);
            textNames = new OpenClipNames(keptOpenClipBlocks(text, textLayers));
        } else {
            text = local(shapes, LdmClipNames.PREFIX);
            textNames = new LdmClipNames();
        }
        if (text.isEmpty()) {
            throw new WeightsFormatException(where + "no text encoder weights (cond_stage_model.*) in this checkpoint");
        }
        LdmUnetNames unetNames;
        LdmVaeNames vaeNames;
        try {
            int layersPerBlock = LdmUnetNames.layersPerBlock(unet.keySet());
            LdmUnetBlockCheck.check("", unet.keySet(), layersPerBlock);
            unetNames = new LdmUnetNames(layersPerBlock);
            vaeNames = new LdmVaeNames(LdmVaeNames.decoderLevels(vae.keySet()));
        } catch (WeightsFormatException e) {
            throw new WeightsFormatException(where + e.getMessage());
        }
        return new CheckpointPlan(family, route(where, "UNet", unetNames, unet), route(where, "VAE", vaeNames, vae),
                route(where, "text encoder", textNames, text));
    }

    /** The family, from the text encoder's naming (or, without one, the UNet's projection layers). */
    static ModelFamily detectFamily(String where, Map<String, long[]> shapes) throws WeightsFormatException {
        boolean unet = false;
        boolean openClip = false;
        boolean clip = false;
        boolean linearProjection = false;
        boolean diffusersNames = false;
        for (Map.Entry<String, long[]> e : shapes.entrySet()) {
            String name = e.getKey();
            if (name.startsWith("conditioner.embedders.")) {
                throw new WeightsFormatException(where + "this is an SDXL checkpoint; only SD 1.x and 2.x are "
                        + "supported");
            }
            unet |= name.startsWith(LdmUnetNames.PREFIX);
            openClip |= name.startsWith(OpenClipNames.PREFIX);
            clip |= name.startsWith(LdmClipNames.PREFIX);
            linearProjection |= name.startsWith(LdmUnetNames.PREFIX) && name.endsWith(".proj_in.weight")
                    && e.getValue().length == 2;
            diffusersNames |= name.startsWith("down_blocks.") || name.startsWith("encoder.down_blocks.")
                    || name.startsWith("text_model.");
        }
        if (!unet) {
            String hint = diffusersNames
                    ? " — this looks like one part of a diffusers folder; open the folder (with model_index.json)"
                    : "";
            throw new WeightsFormatException(where + "not a Stable Diffusion checkpoint (no UNet weights found)"
                    + hint);
        }
        if (openClip) {
            return ModelFamily.SD2;
        }
        if (clip) {
            return ModelFamily.SD1;
        }
        return linearProjection ? ModelFamily.SD2 : ModelFamily.SD1;
    }

    /**
     * SD 2.x uses the penultimate OpenCLIP layer, so diffusers' text encoder has one block less than OpenCLIP. An
     * original checkpoint still holds the whole tower (recognisable by its CLIP head or its 24 blocks); files
     * written from a diffusers model hold only the blocks used.
     */
    private static int keptOpenClipBlocks(Map<String, long[]> text, OptionalInt textLayers) {
        int blocks = OpenClipNames.blockCount(text.keySet());
        if (textLayers.isPresent()) {
            return blocks == textLayers.getAsInt() + 1 ? textLayers.getAsInt() : blocks;
        }
        boolean wholeTower = text.keySet().stream().anyMatch(OpenClipNames.CLIP_HEAD::contains)
                || blocks == OPENCLIP_VIT_H_BLOCKS;
        return wholeTower ? blocks - 1 : blocks;
    }

    private static Map<String, long[]> local(Map<String, long[]> shapes, String prefix) {
        Map<String, long[]> out = new LinkedHashMap<>();
        shapes.forEach((name, shape) -> {
            if (name.startsWith(prefix)) {
                out.put(name.substring(prefix.length()), shape);
            }
        });
        return out;
    }

    private static Map<String, TensorRoute> route(String where, String component, LdmComponentNames names,
            Map<String, long[]> local) throws WeightsFormatException {
        Map<String, TensorRoute> routes = new LinkedHashMap<>();
        for (Map.Entry<String, long[]> e : local.entrySet()) {
            if (names.ignored(e.getKey())) {
                continue;
            }
            List<TensorRoute> mapped;
            try {
                mapped = names.routes(e.getKey(), e.getValue());
            } catch (WeightsFormatException ex) {
                throw new WeightsFormatException(where + ex.getMessage());
            }
            if (mapped.isEmpty()) {
                throw new WeightsFormatException(where + "unexpected tensor '" + names.prefix() + e.getKey()
                        + "' (not part of an SD 1.x/2.x " + component + ")");
            }
            for (TensorRoute r : mapped) {
                TensorRoute before = routes.put(r.target(), r);
                if (before != null) {
                    throw new WeightsFormatException(where + "tensors '" + before.source() + "' and '" + r.source()
                            + "' both map to " + component + " parameter '" + r.target() + "'");
                }
            }
        }
        return routes;
    }
}
