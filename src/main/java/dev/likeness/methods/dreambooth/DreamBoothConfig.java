package dev.likeness.methods.dreambooth;

import java.nio.file.Path;

/**
 * One DreamBooth run's settings.
 *
 * @param identifier       the rare word bound to the subject ("sks")
 * @param classWord        the subject's class noun ("dog")
 * @param alias            the placeholder prompts use for the concept ({@code <my-dog>} → "sks dog")
 * @param instancePrompt   the caption of every reference image, e.g. "a photo of sks dog"
 * @param classPrompt      the caption of the class images, e.g. "a photo of dog"
 * @param priorWeight      λ of the class term; 0 turns prior preservation off
 * @param classImages      how many class images to generate and train on (0: no prior preservation)
 * @param classSteps       denoising steps per class image
 * @param classDir         the class image cache
 * @param loraRank         0 for a full UNet fine-tune, else the rank of LoRA on the attention projections
 * @param loraAlpha        LoRA's α (the delta is scaled by α / rank)
 * @param trainTextEncoder full fine-tune only: train the text encoder too
 * @param flips            also train on mirrored reference images
 */
public record DreamBoothConfig(String identifier, String classWord, String alias, String instancePrompt,
        String classPrompt, float priorWeight, int classImages, int classSteps, Path classDir, int loraRank,
        float loraAlpha, boolean trainTextEncoder, boolean flips) {
    /** Class images per instance image: 5 images get the paper's ~1,000. */
    public static final int CLASS_IMAGES_PER_IMAGE = 200;
    /** diffusers' README pair ("a photo of sks dog" / "a photo of dog"); the paper writes "a [V] dog" / "a dog". */
    public static final String INSTANCE_PROMPT = "a photo of {identifier} {class}";
    public static final String CLASS_PROMPT = "a photo of {class}";

    public DreamBoothConfig {
        if (classWord == null || classWord.isBlank()) {
            throw new IllegalArgumentException("DreamBooth needs the subject's class word (--class), e.g. dog");
        }
        if (priorWeight < 0 || classImages < 0 || classImages > 10_000) {
            throw new IllegalArgumentException("prior weight must be >= 0 and class images 0..10000");
        }
        if (loraRank < 0 || loraRank > 1024) {
            throw new IllegalArgumentException("LoRA rank must be 1..1024 (0 for a full fine-tune)");
        }
        if (loraRank > 0 && trainTextEncoder) {
            throw new IllegalArgumentException("training the text encoder is only available for a full fine-tune");
        }
    }

    public boolean lora() {
        return loraRank > 0;
    }

    public boolean prior() {
        return priorWeight > 0 && classImages > 0;
    }

    /** The text that stands for the concept in prompts: identifier and class. */
    public String subject() {
        return identifier + " " + classWord;
    }
}
