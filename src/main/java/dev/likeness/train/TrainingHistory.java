package dev.likeness.train;

import com.fasterxml.jackson.databind.JsonNode;
import dev.likeness.util.AtomicFiles;
import dev.likeness.util.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * A run's loss history as JSON lines, one {@link TrainingStep} per line ({@code {"step":1,"total":400,"loss":…,
 * "lossAverage":…,"lr":…}}): appended as training goes (tail it, plot it, or read it with any JSON tool), cut back
 * to the checkpoint when a run resumes, and kept in the concept as {@code training/loss.jsonl}.
 */
public final class TrainingHistory implements TrainingObserver {
    /** Where a concept keeps its history. */
    public static final String CONCEPT_FILE = "training/loss.jsonl";

    private final Path file;

    private TrainingHistory(Path file) {
        this.file = file;
    }

    /**
     * The history in {@code file}, cut to the steps before {@code resumedAt} (0: a fresh run, the file starts
     * empty).
     */
    public static TrainingHistory open(Path file, int resumedAt) throws IOException {
        List<TrainingStep> kept = new ArrayList<>();
        if (resumedAt > 0 && Files.isRegularFile(file)) {
            for (TrainingStep s : read(file)) {
                if (s.step() <= resumedAt) {
                    kept.add(s);
                }
            }
        }
        StringBuilder text = new StringBuilder();
        kept.forEach(s -> text.append(line(s)));
        Files.createDirectories(file.toAbsolutePath().getParent());
        AtomicFiles.writeString(file, text.toString());
        return new TrainingHistory(file);
    }

    public Path file() {
        return file;
    }

    /** The losses recorded so far, step 1 first. */
    public List<Double> losses() throws IOException {
        return read(file).stream().map(TrainingStep::loss).toList();
    }

    @Override
    public void onStep(TrainingStep step) {
        try {
            Files.writeString(file, line(step), StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the training history " + file, e);
        }
    }

    /** Every step of a history file; a last line cut short by a crash is skipped. */
    public static List<TrainingStep> read(Path file) throws IOException {
        List<TrainingStep> out = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (line.isBlank()) {
                continue;
            }
            try {
                JsonNode n = Json.MAPPER.readTree(line);
                out.add(new TrainingStep(n.get("step").asInt(), n.get("total").asInt(), n.get("loss").asDouble(),
                        n.get("lossAverage").asDouble(), n.get("lr").asDouble()));
            } catch (IOException | NullPointerException e) {
                break; // the torn tail of an interrupted write
            }
        }
        return out;
    }

    private static String line(TrainingStep s) {
        return Json.write(s) + "\n";
    }
}
