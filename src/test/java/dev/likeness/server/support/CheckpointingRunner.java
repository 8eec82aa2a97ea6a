package dev.likeness.server.support;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.likeness.server.jobs.JobContext;
import dev.likeness.server.jobs.JobRunner;
import dev.likeness.server.jobs.SpecReader;
import dev.likeness.util.AtomicFiles;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Test double of a training runner: {@code steps} steps of {@code stepMillis}, a checkpoint (the step number)
 * every {@code checkpointEvery} steps, resumes from it. Each run appends "start STEP resumed=B" to runs.log.
 */
public final class CheckpointingRunner implements JobRunner {
    @Override
    public ObjectNode prepare(ObjectNode spec) {
        SpecReader r = new SpecReader(spec);
        r.integer("steps", 10, 1, 100_000);
        r.integer("checkpointEvery", 5, 1, 100_000);
        r.integer("stepMillis", 10, 0, 10_000);
        return spec;
    }

    @Override
    public void run(JobContext ctx) throws Exception {
        int steps = ctx.spec().path("steps").asInt(10);
        int every = ctx.spec().path("checkpointEvery").asInt(5);
        int stepMillis = ctx.spec().path("stepMillis").asInt(10);
        Path checkpoint = ctx.workDir().resolve("checkpoint.txt");
        int step = Files.isRegularFile(checkpoint) ? Integer.parseInt(Files.readString(checkpoint).trim()) : 0;
        Files.writeString(ctx.workDir().resolve("runs.log"), "start " + step + " resumed=" + ctx.resumed() + "\n",
                StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        while (step < steps) {
            ctx.cancel().throwIfCancelled();
            Thread.sleep(stepMillis);
            step++;
            ctx.progress().onProgress(step, steps, "training");
            if (step % every == 0) {
                AtomicFiles.writeString(checkpoint, Integer.toString(step));
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("trainedSteps", step);
        out.put("runs", Files.readAllLines(ctx.workDir().resolve("runs.log")));
        ctx.results().setOutput(out);
        ctx.results().add(FakeGenerator.paint(16, 16, step), Map.of("steps", step));
    }

}
