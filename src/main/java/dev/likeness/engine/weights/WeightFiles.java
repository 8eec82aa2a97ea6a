package dev.likeness.engine.weights;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** Finds a component's weights file in a diffusers folder, and refuses pickled weights. */
final class WeightFiles {
    private static final List<String> PICKLE_EXTENSIONS = List.of(".bin", ".ckpt", ".pt", ".pth", ".pkl");

    private WeightFiles() {}

    /** {@code <base>.safetensors}, else the {@code <base>.fp16.safetensors} variant. */
    static Path find(Path componentDir, String base) throws WeightsFormatException {
        String where = componentDir.getParent().getFileName() + "/" + componentDir.getFileName() + "/";
        for (String name : List.of(base + ".safetensors", base + ".fp16.safetensors")) {
            if (Files.isRegularFile(componentDir.resolve(name))) {
                return componentDir.resolve(name);
            }
        }
        for (String name : List.of(base + ".safetensors.index.json", base + ".fp16.safetensors.index.json")) {
            if (Files.isRegularFile(componentDir.resolve(name))) {
                throw new WeightsFormatException(where + name + ": sharded weights are not supported; save the "
                        + "component as one .safetensors file");
            }
        }
        for (String ext : PICKLE_EXTENSIONS) {
            for (String name : List.of(base + ext, base + ".fp16" + ext)) {
                if (Files.isRegularFile(componentDir.resolve(name))) {
                    refusePickle(where + name);
                }
            }
        }
        throw new WeightsFormatException(where + " has no weights file (expected " + base + ".safetensors)");
    }

    static boolean isPickle(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        return PICKLE_EXTENSIONS.stream().anyMatch(name::endsWith);
    }

    static void refusePickle(String what) throws WeightsFormatException {
        throw new WeightsFormatException(what + ": PyTorch pickle weights can run arbitrary code when loaded, so they "
                + "are not read; use the .safetensors version of this model (or convert it to safetensors)");
    }
}
