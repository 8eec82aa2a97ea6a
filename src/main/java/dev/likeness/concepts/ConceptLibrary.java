package dev.likeness.concepts;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.likeness.concepts.ConceptLibraryException.Kind;
import dev.likeness.util.AtomicFiles;
import dev.likeness.util.FileTrees;
import dev.likeness.util.Json;
import java.io.IOException;
import java.io.OutputStream;
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
 * The concept library the CLI, the server and the editors share: one folder per concept, named by a
 * {@link ConceptName}, holding {@code concept.json} and the method's payload files. Concepts appear and disappear in
 * one rename, so a half-written or half-deleted concept is never listed; folders starting with '.' are work in
 * progress and never listed. Links that leave the library are not followed.
 */
public final class ConceptLibrary {
    /** A folder renamed when the library was opened, because its name broke today's {@link ConceptName} rule. */
    public record Migration(String from, String to) {}

    private final Path root;
    private final List<Migration> migrations;

    private ConceptLibrary(Path root, List<Migration> migrations) {
        this.root = root;
        this.migrations = List.copyOf(migrations);
    }

    /** Opens (and creates) the library, renaming concepts whose names older versions allowed (e.g. {@code MyCat}). */
    public static ConceptLibrary open(Path root) throws IOException {
        Files.createDirectories(root);
        List<Migration> done = LegacyNames.migrate(root);
        for (Migration m : done) {
            System.err.println("likeness: concept '" + m.from() + "' is now named '" + m.to() + "' (concept names "
                    + "are lower-case now; its token is unchanged)");
        }
        return new ConceptLibrary(root, done);
    }

    public Path root() {
        return root;
    }

    public List<Migration> migrations() {
        return migrations;
    }

    public synchronized List<StoredConcept> list() throws IOException {
        List<StoredConcept> out = new ArrayList<>();
        Path realRoot = root.toRealPath();
        try (Stream<Path> dirs = Files.list(root)) {
            for (Path dir : dirs.sorted().toList()) {
                String name = dir.getFileName().toString();
                if (ConceptName.isValid(name) && insideLibrary(realRoot, dir)
                        && Files.isRegularFile(dir.resolve(ConceptManifest.FILE), LinkOption.NOFOLLOW_LINKS)) {
                    try {
                        out.add(read(name, dir));
                    } catch (IOException e) {
                        // an unreadable concept.json hides that concept from the list instead of breaking it
                    }
                }
            }
        }
        out.sort(Comparator.comparing(StoredConcept::name));
        return out;
    }

    public synchronized StoredConcept get(String name) throws IOException {
        Path dir = existing(name, "name");
        try {
            return read(name, dir);
        } catch (IOException e) {
            throw new ConceptLibraryException(Kind.UNREADABLE, "name", "concept '" + name + "' has an unreadable "
                    + ConceptManifest.FILE);
        }
    }

    /** The concept's folder, for engines that load its payload. */
    public synchronized Path directory(String name) throws IOException {
        return existing(name, "name");
    }

    public synchronized boolean exists(String name) throws IOException {
        return Files.exists(under(checked(name, "name")), LinkOption.NOFOLLOW_LINKS);
    }

    /** A concept given as a library name, or as a path to a concept folder or embedding file (CLI arguments). */
    public Path resolve(String nameOrPath) throws IOException {
        if (ConceptName.isValid(nameOrPath) && Files.isDirectory(root.resolve(nameOrPath))) {
            return directory(nameOrPath);
        }
        Path p = Path.of(nameOrPath);
        if (Files.exists(p)) {
            return p;
        }
        throw new ConceptLibraryException(Kind.NOT_FOUND, "name", "concept not found: " + nameOrPath + " (not in "
                + root + " and not a path)");
    }

    /** Where a new concept of this name will be published (it must not exist yet). */
    public synchronized Path target(String name) throws IOException {
        Path dst = under(checked(name, "name"));
        if (Files.exists(dst, LinkOption.NOFOLLOW_LINKS)) {
            throw exists(name, "name");
        }
        return dst;
    }

    /**
     * Installs a finished concept: {@code staged} must hold concept.json; it is moved into place in one rename. The
     * manifest's name is set to {@code name}.
     */
    public synchronized StoredConcept publish(String name, Path staged) throws IOException {
        Path dst = target(name);
        Path manifest = staged.resolve(ConceptManifest.FILE);
        if (!Files.isRegularFile(manifest)) {
            throw new ConceptLibraryException(Kind.UNREADABLE, null, "staged concept has no " + ConceptManifest.FILE);
        }
        setName(manifest, name);
        try {
            move(staged, dst);
        } catch (FileAlreadyExistsException e) {
            throw exists(name, "name");
        }
        return read(name, dst);
    }

    public synchronized StoredConcept rename(String from, String to) throws IOException {
        Path src = existing(from, "name");
        Path dst = under(checked(to, "newName"));
        if (Files.exists(dst, LinkOption.NOFOLLOW_LINKS)) {
            throw exists(to, "newName");
        }
        try {
            move(src, dst);
        } catch (FileAlreadyExistsException e) {
            throw exists(to, "newName");
        }
        setName(dst.resolve(ConceptManifest.FILE), to);
        return read(to, dst);
    }

    public synchronized void delete(String name) throws IOException {
        Path dir = existing(name, "name");
        // moved aside first so a crash mid-delete never leaves half a concept under its real name
        Path trash = root.resolve("." + dir.getFileName() + ".deleting-" + System.nanoTime());
        move(dir, trash);
        FileTrees.deleteTree(trash);
    }

    /** Writes a zip of the concept folder (entries under {@code <name>/}); links are not followed. */
    public void exportZip(String name, OutputStream out) throws IOException {
        Path dir = directory(name);
        try (ZipOutputStream zip = new ZipOutputStream(out); Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.sorted().toList()) {
                if (Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)) {
                    zip.putNextEntry(new ZipEntry(name + "/" + dir.relativize(f).toString().replace('\\', '/')));
                    Files.copy(f, zip);
                    zip.closeEntry();
                }
            }
        }
    }

    private static String checked(String name, String field) throws ConceptLibraryException {
        if (!ConceptName.isValid(name)) {
            throw new ConceptLibraryException(Kind.INVALID_NAME, field, ConceptName.RULE);
        }
        return name;
    }

    /** The checked name's folder, refusing a link that leaves the library. */
    private Path under(String checkedName) throws IOException {
        Path realRoot = root.toRealPath();
        Path candidate = realRoot.resolve(checkedName);
        if (Files.exists(candidate) && !candidate.toRealPath().startsWith(realRoot)) {
            throw new ConceptLibraryException(Kind.INVALID_NAME, "name", "'" + checkedName
                    + "' points outside the concept library");
        }
        return candidate;
    }

    private Path existing(String name, String field) throws IOException {
        Path dir = under(checked(name, field));
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)
                || !Files.isRegularFile(dir.resolve(ConceptManifest.FILE))) {
            throw new ConceptLibraryException(Kind.NOT_FOUND, field, "concept '" + name + "' not found");
        }
        return dir;
    }

    private static ConceptLibraryException exists(String name, String field) {
        return new ConceptLibraryException(Kind.EXISTS, field, "a concept named '" + name + "' already exists");
    }

    private static boolean insideLibrary(Path realRoot, Path dir) {
        try {
            return dir.toRealPath().startsWith(realRoot);
        } catch (IOException e) {
            return false;
        }
    }

    static void setName(Path manifest, String name) throws IOException {
        JsonNode n = Json.readTree(manifest);
        if (!(n instanceof ObjectNode o)) {
            throw new ConceptLibraryException(Kind.UNREADABLE, null, manifest + " is not a JSON object");
        }
        if (!name.equals(o.path("name").asText(null))) {
            o.put("name", name);
            AtomicFiles.writeString(manifest, Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(o));
        }
    }

    static void move(Path src, Path dst) throws IOException {
        try {
            Files.move(src, dst, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(src, dst);
        }
    }

    private static StoredConcept read(String name, Path dir) throws IOException {
        JsonNode m = Json.readTree(dir.resolve(ConceptManifest.FILE)); // lenient: a partial manifest is still listed
        List<String> files = new ArrayList<>();
        long size = 0;
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path f : all.sorted().toList()) {
                if (Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)) {
                    size += Files.size(f);
                    String rel = dir.relativize(f).toString().replace('\\', '/');
                    if (!rel.equals(ConceptManifest.FILE)) {
                        files.add(rel);
                    }
                }
            }
        }
        return new StoredConcept(name, text(m, "method"), text(m, "token"), text(m, "classWord"),
                text(m, "modelFamily"), text(m, "created"), text(m.path("details"), "targetPrompt"), files, size);
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }
}
