package dev.likeness.engine.weights;

/** How a checkpoint is stored on disk. */
public enum ModelFormat {
    /** A diffusers pipeline folder with model_index.json and one sub-folder per component. */
    DIFFUSERS_FOLDER,
    /** One .safetensors file with the original LDM tensor names ("single-file" checkpoints). */
    SINGLE_FILE
}
