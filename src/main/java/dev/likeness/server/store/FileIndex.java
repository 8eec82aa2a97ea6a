package dev.likeness.server.store;

import dev.likeness.train.TrainingCheckpoint;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** The files of a job folder by relative name ('/'-separated), without temporaries ({@code .*}) or links. */
final class FileIndex {
    /** A work folder's staged concept is rebuilt by a resumed run, so it is not worth copying. */
    private static final String STAGED_CONCEPT = "concept";

    private FileIndex() {}

    static Map<String, Path> regularFiles(Path dir) throws IOException {
        Map<String, Path> out = new LinkedHashMap<>();
        try (Stream<Path> walk = Files.walk(dir)) {
            List<Path> files = walk.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS))
                    .sorted(Comparator.naturalOrder()).toList();
            for (Path p : files) {
                Path rel = dir.relativize(p);
                if (hidden(rel)) {
                    continue;
                }
                out.put(rel.toString().replace('\\', '/'), p);
            }
        }
        return out;
    }

    /** A work folder's files, training checkpoints first. */
    static Map<String, Path> workFiles(Path work) throws IOException {
        Map<String, Path> all = regularFiles(work);
        Map<String, Path> out = new LinkedHashMap<>();
        all.forEach((name, p) -> {
            if (p.getFileName().toString().equals(TrainingCheckpoint.FILE) && !name.startsWith(STAGED_CONCEPT + "/")) {
                out.put(name, p);
            }
        });
        all.forEach((name, p) -> {
            if (!name.startsWith(STAGED_CONCEPT + "/")) {
                out.putIfAbsent(name, p);
            }
        });
        return out;
    }

    /** A stored name taken back to a path under {@code dir}; names that would leave it are refused. */
    static Path resolve(Path dir, String name) throws IOException {
        Path p = dir.resolve(name).normalize();
        if (!p.startsWith(dir.normalize()) || name.startsWith("/")) {
            throw new IOException("stored file name '" + name + "' leaves its folder");
        }
        return p;
    }

    private static boolean hidden(Path rel) {
        for (Path part : rel) {
            if (part.toString().startsWith(".")) {
                return true;
            }
        }
        return false;
    }
}
