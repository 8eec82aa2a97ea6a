package dev.likeness.server.models;

import java.nio.file.Path;

/** A model found in the models folder: a single {@code .safetensors} file or a diffusers folder. */
public record ModelEntry(String name, Path path, String format, long sizeBytes) {
    public static final String SINGLE_FILE = "single-file";
    public static final String DIFFUSERS = "diffusers";
}
