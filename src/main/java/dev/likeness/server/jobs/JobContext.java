package dev.likeness.server.jobs;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.likeness.pipeline.CancelSignal;
import dev.likeness.pipeline.ProgressListener;
import dev.likeness.pipeline.preview.PreviewSink;
import dev.likeness.train.TrainingObserver;
import java.nio.file.Path;
import java.util.List;

/**
 * What a runner gets for one run of a job.
 *
 * @param jobId    the job's id
 * @param kind     the job kind
 * @param spec     the normalized spec returned by {@link JobRunner#prepare}
 * @param inputs   the job's input PNGs in spec order (already validated; decode with ImageIO)
 * @param workDir  the job's own folder for checkpoints and scratch files; kept across restarts
 * @param progress progress sink (cheap, never blocks)
 * @param cancel   set when the client cancels or the server shuts down
 * @param resumed  true when an earlier run of this job was interrupted (crash, kill, shutdown)
 * @param results  where finished images go
 * @param previews where live previews go (generate jobs that ask for them)
 * @param training where training steps go (loss, its average, learning rate: personalize jobs)
 */
public record JobContext(String jobId, String kind, ObjectNode spec, List<Path> inputs, Path workDir,
        ProgressListener progress, CancelSignal cancel, boolean resumed, ResultSink results, PreviewSink previews,
        TrainingObserver training) {
    public JobContext {
        inputs = List.copyOf(inputs);
    }
}
