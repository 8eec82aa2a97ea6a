package dev.likeness.server.jobs;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.likeness.util.AtomicFiles;
import dev.likeness.util.Json;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Logger;

/**
 * Append-only job journal, one JSON record per line, each line forced to disk before the call returns. Replaying
 * it rebuilds the job table after a crash; a torn last line (killed mid-write) is skipped with a warning.
 */
public final class JobJournal implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(JobJournal.class.getName());

    /**
     * One state change. {@code type} is submitted, started, cancel-requested (a cancel of a running job, written
     * before it is acknowledged), interrupted (a stop took the job off the worker; it resumes on the next start) or
     * finished.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Entry(String type, String id, Long seq, String kind, String at, JobState state, JobError error) {
        static Entry submitted(Job job, String at) {
            return new Entry("submitted", job.id(), job.seq(), job.kind(), at, null, null);
        }

        static Entry started(String id, String at) {
            return new Entry("started", id, null, null, at, null, null);
        }

        static Entry cancelRequested(String id, String at) {
            return new Entry("cancel-requested", id, null, null, at, null, null);
        }

        static Entry interrupted(String id, String at) {
            return new Entry("interrupted", id, null, null, at, null, null);
        }

        static Entry finished(String id, String at, JobState state, JobError error) {
            return new Entry("finished", id, null, null, at, state, error);
        }
    }

    private final Path file;
    private FileChannel channel;

    public JobJournal(Path file) throws IOException {
        this.file = file;
        Files.createDirectories(file.toAbsolutePath().getParent());
        this.channel = open(file);
        terminateTornLine();
    }

    /** After a kill mid-append the file may end inside a record; start the next record on a fresh line. */
    private void terminateTornLine() throws IOException {
        long size = channel.size();
        if (size == 0) {
            return;
        }
        ByteBuffer last = ByteBuffer.allocate(1);
        try (FileChannel reader = FileChannel.open(file, StandardOpenOption.READ)) {
            reader.read(last, size - 1);
        }
        if (last.get(0) != '\n') {
            channel.write(ByteBuffer.wrap(new byte[] {'\n'}));
            channel.force(false);
        }
    }

    public synchronized void append(Entry entry) throws IOException {
        byte[] line = (Json.write(entry) + "\n").getBytes(StandardCharsets.UTF_8);
        ByteBuffer buf = ByteBuffer.wrap(line);
        while (buf.hasRemaining()) {
            channel.write(buf);
        }
        channel.force(false);
    }

    public synchronized List<Entry> replay() throws IOException {
        List<Entry> entries = new ArrayList<>();
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank()) {
                continue;
            }
            try {
                Entry e = Json.MAPPER.readValue(line, Entry.class);
                if (e.type() == null || e.id() == null) {
                    throw new IOException("record without type or id");
                }
                entries.add(e);
            } catch (IOException e) {
                LOG.warning("job journal line " + (i + 1) + " is damaged and was skipped"
                        + (i == lines.size() - 1 ? " (the server probably stopped while writing it)" : ""));
            }
        }
        return entries;
    }

    /** Replaces the journal with {@code entries} (atomically), dropping history that no longer matters. */
    public synchronized void compact(List<Entry> entries) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (Entry e : entries) {
            sb.append(Json.write(e)).append('\n');
        }
        channel.close();
        AtomicFiles.writeString(file, sb.toString());
        channel = open(file);
    }

    @Override
    public synchronized void close() throws IOException {
        channel.close();
    }

    private static FileChannel open(Path file) throws IOException {
        return FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
    }
}
