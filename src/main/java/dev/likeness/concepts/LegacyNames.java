package dev.likeness.concepts;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Earlier CLI versions named concepts by a looser rule ({@code MyCat}, {@code cat.v2}); the server never saw them.
 * Opening the library renames each such folder to its {@link ConceptName#slug} (with {@code -2}, {@code -3}, ... when
 * that is taken), so it reaches the editors. Its token stays as it was: prompts already written keep working.
 */
final class LegacyNames {
    private LegacyNames() {}

    static List<ConceptLibrary.Migration> migrate(Path root) throws IOException {
        List<ConceptLibrary.Migration> done = new ArrayList<>();
        List<Path> legacy;
        try (Stream<Path> dirs = Files.list(root)) {
            legacy = dirs.filter(d -> {
                String n = d.getFileName().toString();
                return !n.startsWith(".") && !ConceptName.isValid(n) && Files.isDirectory(d, LinkOption.NOFOLLOW_LINKS)
                        && Files.isRegularFile(d.resolve(ConceptManifest.FILE), LinkOption.NOFOLLOW_LINKS);
            }).sorted().toList();
        }
        for (Path dir : legacy) {
            String from = dir.getFileName().toString();
            String base = ConceptName.slug(from);
            if (base == null) {
                continue;
            }
            String to = base;
            for (int i = 2; Files.exists(root.resolve(to), LinkOption.NOFOLLOW_LINKS); i++) {
                String suffix = "-" + i;
                to = base.substring(0, Math.min(base.length(), 64 - suffix.length())) + suffix;
            }
            Path dst = root.resolve(to);
            ConceptLibrary.move(dir, dst);
            ConceptLibrary.setName(dst.resolve(ConceptManifest.FILE), to);
            done.add(new ConceptLibrary.Migration(from, to));
        }
        return done;
    }
}
