package dev.likeness.methods.dreambooth;

/**
 * DreamBooth's settings (JSON names; defaults and sources in {@link DreamBoothMethod}).
 *
 * @param loraRank            0: fine-tune the whole UNet; else LoRA of this rank on the attention projections
 * @param loraAlpha           LoRA α (null: the rank)
 * @param priorWeight         λ of the class-prior term (0: no prior preservation)
 * @param classImages         class images (null: {@code classImagesPerImage} × the instance images)
 * @param classImagesPerImage class images per instance image when {@code classImages} is not given
 * @param classSteps          denoising steps per class image
 * @param classGuidance       CFG of the class images
 * @param instancePrompt      caption of the instance images, with {identifier} and {class}
 * @param classPrompt         caption of the class images, with {class}
 * @param trainTextEncoder    full fine-tune only: train the text encoder too
 * @param flips               also train on mirrored instance images
 * @param identifier          the rare word (null: the request's token if a plain word, else chosen from the seed)
 */
public record DreamBoothOptions(int loraRank, Float loraAlpha, float priorWeight, Integer classImages,
        int classImagesPerImage, int classSteps, float classGuidance, String instancePrompt, String classPrompt,
        boolean trainTextEncoder, boolean flips, String identifier) {
    public DreamBoothOptions {
        if (classImagesPerImage < 0 || classSteps < 1) {
            throw new IllegalArgumentException("classImagesPerImage must be >= 0 and classSteps >= 1");
        }
        if (instancePrompt == null || !instancePrompt.contains("{identifier}")) {
            throw new IllegalArgumentException("instancePrompt must contain {identifier}");
        }
        if (classPrompt == null || classPrompt.isBlank()) {
            throw new IllegalArgumentException("classPrompt must not be empty");
        }
    }

    /** How many class images a run on {@code instances} images uses (at most 10,000). */
    public int classImageCount(int instances) {
        return classImages != null ? classImages : Math.min(10_000, classImagesPerImage * Math.max(1, instances));
    }
}
