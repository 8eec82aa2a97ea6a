package dev.likeness.engine.weights;

import java.util.Map;

/**
 * Recognises single files of architectures Likeness does not run, so they are refused with what they are instead of
 * a list of unexpected tensors: SDXL, SD 3, Flux, and SD 1.x/2.x variants whose UNet takes extra input channels.
 */
final class UnsupportedCheckpoints {
    private static final String CONV_IN = LdmUnetNames.PREFIX + "input_blocks.0.0.weight";

    private UnsupportedCheckpoints() {}

    static void refuse(String where, Map<String, long[]> shapes) throws WeightsFormatException {
        String what = null;
        for (String name : shapes.keySet()) {
            if (name.startsWith("conditioner.embedders.") || name.startsWith(LdmUnetNames.PREFIX + "label_emb.")) {
                what = "an SDXL checkpoint (conditioner.embedders.*, label_emb)";
            } else if (name.startsWith(LdmUnetNames.PREFIX + "joint_blocks.")) {
                what = "a Stable Diffusion 3 checkpoint (joint_blocks)";
            } else if (name.startsWith(LdmUnetNames.PREFIX + "double_blocks.") || name.startsWith("double_blocks.")) {
                what = "a Flux checkpoint (double_blocks)";
            }
            if (what != null) {
                throw new WeightsFormatException(where + "this is " + what + "; Likeness runs Stable Diffusion 1.x and"
                        + " 2.x checkpoints (SDXL support is planned)");
            }
        }
        long[] convIn = shapes.get(CONV_IN);
        if (convIn != null && convIn.length == 4 && convIn[1] != 4) {
            String kind = switch ((int) convIn[1]) {
                case 9 -> "an inpainting checkpoint (9-channel UNet input: latents, mask, masked image)";
                case 8 -> "an InstructPix2Pix checkpoint (8-channel UNet input)";
                case 5 -> "a depth-to-image checkpoint (5-channel UNet input)";
                case 7 -> "an upscaler checkpoint (7-channel UNet input)";
                default -> "a checkpoint whose UNet takes " + convIn[1] + " input channels";
            };
            throw new WeightsFormatException(where + "this is " + kind + "; Likeness runs text-to-image SD 1.x/2.x"
                    + " checkpoints (4 latent channels) — use the base model of the same family");
        }
    }
}
