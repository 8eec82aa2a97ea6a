package dev.likeness.server.models;

import dev.likeness.server.security.SafeName;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Lists the models folder. Only safetensors are offered: pickle checkpoints ({@code .ckpt}, {@code .pt},
 * {@code .bin}) can run code when loaded and are never listed. Entries that resolve outside the folder
 * (symbolic links) are skipped.
 */
public final class ModelDirectory {
    private ModelDirectory() {}

    public static List<ModelEntry> scan(Path modelsDir) throws IOException {
        if (!Files.isDirectory(modelsDir)) {
            return List.of();
        }
        Path root = modelsDir.toRealPath();
        List<ModelEntry> out = new ArrayList<>();
        try (Stream<Path> children = Files.list(root)) {
            for (Path p : (Iterable<Path>) children.sorted()::iterator) {
                String name = p.getFileName().toString();
                if (!SafeName.MODEL.matcher(name).matches() || name.contains("..") || !p.toRealPath().startsWith(root)) {
                    continue;
                }
                if (Files.isRegularFile(p) && name.endsWith(".safetensors")) {
                    out.add(new ModelEntry(name, p, ModelEntry.SINGLE_FILE, Files.size(p)));
                } else if (Files.isDirectory(p) && Files.isRegularFile(p.resolve("model_index.json"))) {
                    out.add(new ModelEntry(name, p, ModelEntry.DIFFUSERS, folderSize(p)));
                }
            }
        }
        out.sort(Comparator.comparing(ModelEntry::name));
        return out;
    }

    private static long folderSize(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
        }
    }
}
