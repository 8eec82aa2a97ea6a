package dev.likeness.server.concepts;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.likeness.server.api.ApiException;
import dev.likeness.server.security.SafeName;
import dev.likeness.util.AtomicFiles;
import dev.likeness.util.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * The concept library: one folder per concept holding {@code concept.json} and the method's payload files.
 * Every name is checked with {@link SafeName#concept} before it touches the file system.
 */
public final class ConceptStore {
    public static final String MANIFEST = "concept.json";
    private final Path root;

    public ConceptStore(Path root) {
        this.root = root;
        try {
            Files.createDirectories(root);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The library folder. */
    public Path root() {
        return root;
    }

    public synchronized List<Concept> list() {
        List<Concept> out = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(root)) {
            Path realRoot = root.toRealPath();
            for (Path dir : (Iterable<Path>) dirs.sorted()::iterator) {
                String name = dir.getFileName().toString();
                if (SafeName.CONCEPT.matcher(name).matches() && insideLibrary(realRoot, dir)
                        && Files.isRegularFile(dir.resolve(MANIFEST), LinkOption.NOFOLLOW_LINKS)) {
                    try {
                        out.add(read(name, dir));
                    } catch (IOException e) {
                        // an unreadable concept.json hides that concept from the list instead of breaking it
                    }
                }
            }
        } catch (IOException e) {
            throw storage(e);
        }
        out.sort(Comparator.comparing(Concept::name));
        return out;
    }

    public synchronized Concept get(String rawName) {
        String name = SafeName.concept("name", rawName);
        try {
            return read(name, existing(name));
        } catch (IOException e) {
            throw new ApiException(500, "CONCEPT_UNREADABLE", "concept '" + name + "' has an unreadable "
                    + MANIFEST);
        }
    }

    /** The concept's folder, for engines that load its payload. */
    public synchronized Path directory(String rawName) {
        return existing(SafeName.concept("name", rawName));
    }

    public synchronized Concept rename(String rawFrom, String rawTo) {
        String from = SafeName.concept("name", rawFrom);
        String to = SafeName.concept("newName", rawTo);
        Path src = existing(from);
        Path dst = SafeName.resolveUnder(root, to);
        if (Files.exists(dst, LinkOption.NOFOLLOW_LINKS)) {
            throw new ApiException(409, "CONCEPT_EXISTS", "a concept named '" + to + "' already exists", "newName");
        }
        try {
            move(src, dst);
            ObjectNode manifest = (ObjectNode) Json.readTree(dst.resolve(MANIFEST));
            manifest.put("name", to);
            AtomicFiles.writeString(dst.resolve(MANIFEST), Json.write(manifest));
            return read(to, dst);
        } catch (FileAlreadyExistsException e) {
            throw new ApiException(409, "CONCEPT_EXISTS", "a concept named '" + to + "' already exists", "newName");
        } catch (IOException | ClassCastException e) {
            throw storage(e);
        }
    }

    public synchronized void delete(String rawName) {
        Path dir = existing(SafeName.concept("name", rawName));
        try {
            // move aside first so a crash mid-delete never leaves a half concept under its real name
            Path trash = root.resolve("." + dir.getFileName() + ".deleting-" + System.nanoTime());
            move(dir, trash);
            deleteTree(trash);
        } catch (IOException e) {
            throw storage(e);
        }
    }

    /** Writes a zip of the concept folder (entries under {@code <name>/}); links are not followed. */
    public void exportZip(String rawName, OutputStream out) throws IOException {
        String name = SafeName.concept("name", rawName);
        Path dir = directory(name);
        try (ZipOutputStream zip = new ZipOutputStream(out); Stream<Path> files = Files.walk(dir)) {
            for (Path f : (Iterable<Path>) files.sorted()::iterator) {
                if (Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)) {
                    zip.putNextEntry(new ZipEntry(name + "/" + dir.relativize(f).toString().replace('\\', '/')));
                    Files.copy(f, zip);
                    zip.closeEntry();
                }
            }
        }
    }

    /**
     * Installs a finished concept (used by personalization runners): {@code staged} must contain concept.json;
     * it is moved into place in one rename, so a half-written concept is never listed.
     */
    public synchronized Concept publish(String rawName, Path staged) throws IOException {
        String name = SafeName.concept("name", rawName);
        Path dst = SafeName.resolveUnder(root, name);
        if (Files.exists(dst, LinkOption.NOFOLLOW_LINKS)) {
            throw new ApiException(409, "CONCEPT_EXISTS", "a concept named '" + name + "' already exists", "name");
        }
        if (!Files.isRegularFile(staged.resolve(MANIFEST))) {
            throw new IOException("staged concept has no " + MANIFEST);
        }
        move(staged, dst);
        return read(name, dst);
    }

    /** Listed only when every route would serve it: a link that leaves the library is not. */
    private static boolean insideLibrary(Path realRoot, Path dir) {
        try {
            return dir.toRealPath().startsWith(realRoot);
        } catch (IOException e) {
            return false;
        }
    }

    private Path existing(String name) {
        Path dir = SafeName.resolveUnder(root, name);
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS) || !Files.isRegularFile(dir.resolve(MANIFEST))) {
            throw ApiException.notFound("concept '" + name + "'");
        }
        return dir;
    }

    private static Concept read(String name, Path dir) throws IOException {
        JsonNode m = Json.readTree(dir.resolve(MANIFEST));
        List<String> files = new ArrayList<>();
        long size = 0;
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path f : (Iterable<Path>) all.sorted()::iterator) {
                if (Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)) {
                    size += Files.size(f);
                    String rel = dir.relativize(f).toString().replace('\\', '/');
                    if (!rel.equals(MANIFEST)) {
                        files.add(rel);
                    }
                }
            }
        }
        return new Concept(name, text(m, "method"), text(m, "token"), text(m, "classWord"), text(m, "modelFamily"),
                text(m, "created"), text(m.path("details"), "targetPrompt"), files, size);
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    private static void move(Path src, Path dst) throws IOException {
        try {
            Files.move(src, dst, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(src, dst);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) all.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        }
    }

    private static ApiException storage(Exception e) {
        return new ApiException(500, "STORAGE_ERROR", "the concept library could not be updated");
    }
}
