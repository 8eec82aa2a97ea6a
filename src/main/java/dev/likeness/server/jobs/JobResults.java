package dev.likeness.server.jobs;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.likeness.server.api.ApiException;
import dev.likeness.util.AtomicFiles;
import dev.likeness.util.Json;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

/**
 * A job's results folder: {@code result-<n>.png} and {@code result-<n>.json} (metadata). The JSON is written
 * after the PNG, so a result counts only once both exist.
 */
public final class JobResults implements ResultSink {
    private static final String OUTPUT = "output.json";
    private final Path dir;

    public record Result(int index, Map<String, Object> metadata) {}

    public JobResults(Path dir) {
        this.dir = dir;
    }

    @Override
    public synchronized void add(BufferedImage image, Map<String, Object> metadata) throws IOException {
        int index = list().size();
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        if (!ImageIO.write(image, "png", png)) {
            throw new IOException("no PNG writer for this image type");
        }
        AtomicFiles.writeBytes(dir.resolve("result-" + index + ".png"), png.toByteArray());
        AtomicFiles.writeString(dir.resolve("result-" + index + ".json"), Json.write(new LinkedHashMap<>(metadata)));
    }

    @Override
    public synchronized void setOutput(Map<String, Object> output) throws IOException {
        AtomicFiles.writeString(dir.resolve(OUTPUT), Json.write(new LinkedHashMap<>(output)));
    }

    /** The job's non-image output, or null. */
    public synchronized Map<String, Object> output() {
        Path f = dir.resolve(OUTPUT);
        if (!Files.isRegularFile(f)) {
            return null;
        }
        try {
            return Json.MAPPER.readValue(f.toFile(), new TypeReference<Map<String, Object>>() {});
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public synchronized void clear() throws IOException {
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (Stream<Path> files = Files.list(dir)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Files.deleteIfExists(p);
            }
        }
    }

    public synchronized List<Result> list() {
        List<Result> out = new ArrayList<>();
        for (int i = 0; ; i++) {
            Path json = dir.resolve("result-" + i + ".json");
            if (!Files.isRegularFile(json) || !Files.isRegularFile(dir.resolve("result-" + i + ".png"))) {
                return out;
            }
            try {
                out.add(new Result(i, Json.MAPPER.readValue(json.toFile(), new TypeReference<Map<String, Object>>() {})));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    public byte[] png(int index) {
        Path f = dir.resolve("result-" + index + ".png");
        if (index < 0 || !Files.isRegularFile(f) || !Files.isRegularFile(dir.resolve("result-" + index + ".json"))) {
            throw ApiException.notFound("result " + index);
        }
        try {
            return Files.readAllBytes(f);
        } catch (IOException e) {
            throw new ApiException(500, "STORAGE_ERROR", "the result could not be read");
        }
    }
}
