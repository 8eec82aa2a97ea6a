package dev.likeness.server.concepts;

import dev.likeness.methods.ConceptTrainer;
import dev.likeness.train.TrainingHistory;
import dev.likeness.train.TrainingStep;
import dev.likeness.concepts.ConceptLibrary;
import dev.likeness.concepts.ConceptReferences;
import dev.likeness.concepts.ConceptLibraryException;
import dev.likeness.concepts.StoredConcept;
import dev.likeness.server.api.ApiException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The shared {@link ConceptLibrary} as the HTTP and Py4J APIs use it: the same calls, with the library's errors
 * translated into API errors (400 INVALID_NAME, 404 NOT_FOUND, 409 CONCEPT_EXISTS, 500 for storage).
 */
public final class ServerConcepts {
    private final ConceptLibrary library;

    public ServerConcepts(ConceptLibrary library) {
        this.library = library;
    }

    public ConceptLibrary library() {
        return library;
    }

    public List<StoredConcept> list() {
        return call(library::list);
    }

    public StoredConcept get(String name) {
        return call(() -> library.get(name));
    }

    public Path directory(String name) {
        return call(() -> library.directory(name));
    }

    /** A concept's loss history; 404 NO_HISTORY for a concept made without one (imported, or trained before). */
    public List<TrainingStep> trainingHistory(String name) {
        Path file = directory(name).resolve(TrainingHistory.CONCEPT_FILE);
        if (!Files.isRegularFile(file)) {
            throw new ApiException(404, "NO_HISTORY", "concept '" + name + "' has no training history");
        }
        try {
            return TrainingHistory.read(file);
        } catch (IOException e) {
            throw new ApiException(500, "READ_FAILED", "the training history of '" + name + "' cannot be read", null);
        }
    }

    /** The concept's training samples in step order (empty when it has none). */
    public List<Path> samples(String name) {
        get(name); // 404 for an unknown concept
        try {
            return ConceptTrainer.samples(directory(name));
        } catch (IOException e) {
            throw new ApiException(500, "READ_FAILED", "the samples of '" + name + "' cannot be read", null);
        }
    }

    /**
     * The picture that stands for the concept in pickers and the gallery: its last training sample, else its first
     * reference image; 404 NO_THUMBNAIL when it has neither.
     */
    public Path thumbnail(String name) {
        List<Path> samples = samples(name);
        if (!samples.isEmpty()) {
            return samples.get(samples.size() - 1);
        }
        Path reference = ConceptReferences.file(directory(name), 0);
        if (Files.isRegularFile(reference)) {
            return reference;
        }
        throw new ApiException(404, "NO_THUMBNAIL", "concept '" + name + "' has no samples or reference images");
    }

    public boolean exists(String name) {
        return call(() -> library.exists(name));
    }

    public StoredConcept rename(String from, String to) {
        return call(() -> library.rename(from, to));
    }

    public void delete(String name) {
        call(() -> {
            library.delete(name);
            return null;
        });
    }

    public StoredConcept publish(String name, Path staged) {
        return call(() -> library.publish(name, staged));
    }

    /** Checks the name before a byte is written, so a missing concept is a clean 404 rather than a cut stream. */
    public void exportZip(String name, OutputStream out) throws IOException {
        directory(name);
        library.exportZip(name, out);
    }

    private interface LibraryCall<T> {
        T run() throws IOException;
    }

    private static <T> T call(LibraryCall<T> c) {
        try {
            return c.run();
        } catch (ConceptLibraryException e) {
            throw translate(e);
        } catch (IOException e) {
            throw new ApiException(500, "STORAGE_ERROR", "the concept library could not be updated");
        }
    }

    public static ApiException translate(ConceptLibraryException e) {
        return switch (e.kind()) {
            case INVALID_NAME -> new ApiException(400, "INVALID_NAME", e.getMessage(), e.field());
            case NOT_FOUND -> ApiException.notFound(e.getMessage().replace(" not found", ""));
            case EXISTS -> new ApiException(409, "CONCEPT_EXISTS", e.getMessage(), e.field());
            case UNREADABLE -> new ApiException(500, "CONCEPT_UNREADABLE", e.getMessage());
            case STORAGE -> new ApiException(500, "STORAGE_ERROR", "the concept library could not be updated");
        };
    }
}
