package dev.likeness.concepts;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** The folder of trained concepts (shared by the CLI and the server): one sub-folder per concept. */
public final class ConceptLibrary {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private final Path root;

    public ConceptLibrary(Path root) {
        this.root = root;
    }

    public Path root() {
        return root;
    }

    public static boolean isName(String s) {
        return NAME.matcher(s).matches() && !s.contains("..");
    }

    /** A concept given as a library name, or as a path to a concept folder or embedding file. */
    public Path resolve(String nameOrPath) throws IOException {
        if (isName(nameOrPath) && Files.isDirectory(root.resolve(nameOrPath))) {
            return root.resolve(nameOrPath);
        }
        Path p = Path.of(nameOrPath);
        if (Files.exists(p)) {
            return p;
        }
        throw new IOException("concept not found: " + nameOrPath + " (not in " + root + " and not a path)");
    }

    /** Where a new concept of this name goes; the name must be a safe folder name. */
    public Path target(String name) throws IOException {
        if (!isName(name)) {
            throw new IOException("concept names use letters, digits, '.', '_' and '-' (at most 64): " + name);
        }
        return root.resolve(name);
    }

    public List<ConceptManifest> list() throws IOException {
        List<ConceptManifest> out = new ArrayList<>();
        if (!Files.isDirectory(root)) {
            return out;
        }
        try (Stream<Path> dirs = Files.list(root)) {
            for (Path d : dirs.sorted().toList()) {
                if (Files.isRegularFile(d.resolve(ConceptManifest.FILE)) && !d.getFileName().toString().startsWith(".")) {
                    out.add(ConceptManifest.read(d));
                }
            }
        }
        return out;
    }
}
