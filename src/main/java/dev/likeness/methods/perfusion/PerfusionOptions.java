package dev.likeness.methods.perfusion;

/**
 * Perfusion's training settings (JSON names; defaults and sources in {@link PerfusionMethod}).
 *
 * @param templates "object" or "style" caption templates
 * @param flips     also train on mirrored images
 * @param beta      gate bias during training
 * @param tau       gate temperature during training
 * @param ema       decay of the running average i*
 */
public record PerfusionOptions(String templates, boolean flips, double beta, double tau, double ema) {}
