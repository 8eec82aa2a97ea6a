package dev.likeness.engine.weights;

/** The Stable Diffusion generations Likeness runs: 1.x (OpenAI CLIP text encoder) and 2.x (OpenCLIP). */
public enum ModelFamily {
    SD1, SD2
}
