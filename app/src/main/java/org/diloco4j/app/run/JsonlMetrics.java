package org.diloco4j.app.run;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.diloco4j.app.config.WorkerEntry;
import org.diloco4j.app.failure.UserError;
import org.diloco4j.core.coord.Metric;
import org.diloco4j.core.coord.MetricSink;
import org.diloco4j.core.run.Segment;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * metrics.jsonl: one JSON object per line (see docs/run-directory.md). Appends; {@link #truncate}
 * cuts the file back to a checkpoint's length so a resumed run continues it exactly.
 */
public final class JsonlMetrics implements MetricSink, AutoCloseable {
    private final Path file;
    private final OutputStream out;
    private final JsonGenerator json;

    public JsonlMetrics(Path file) {
        this.file = file;
        try {
            this.out = Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            this.json = RunJson.MAPPER.createGenerator(out);
            json.setRootValueSeparator(null);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    /**
     * Cuts {@code file} to {@code length} bytes (what it held when a checkpoint was taken). A length
     * past the end, or inside a line, means the file and the checkpoint do not belong together: it
     * is refused, not cut (a cut there would leave a torn line and lose records).
     */
    public static void truncate(Path file, long length) throws IOException {
        if (!Files.exists(file)) return;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer last = ByteBuffer.allocate(1);
            if (length < 0 || length > ch.size() || length > 0 && (ch.read(last, length - 1) != 1 || last.get(0) != '\n')) {
                throw UserError.failed(file + " has " + ch.size() + " bytes and the checkpoint says its records end at byte " + length
                        + ", where no line of it ends: the two do not belong together",
                        "restore the run directory from a copy, or start the run again with another --out", null);
            }
            ch.truncate(length);
        }
    }

    @Override
    public void emit(Metric m) {
        write((Record) m);
    }

    /** The run_start line: method, clock, model size and the workers' profiles. */
    public void runStart(String method, RunClock clock, long params, List<WorkerEntry> workers) {
        write(RunStart.of(method, clock, params, workers));
    }

    /** A {@code sample} line: text from the global model θ {@code version} at {@code time}. */
    public void sample(TextSample s, double time, long version) {
        write(Sample.of(s, time, version));
    }

    public void segments(List<Segment> timeline) {
        for (Segment s : timeline) write(s);
    }

    /** One line: the event's fields and its {@code type}. */
    private void write(Record event) {
        try {
            ObjectNode line = RunJson.MAPPER.createObjectNode().put("type", EventType.of(event).label());
            line.setAll((ObjectNode) RunJson.MAPPER.valueToTree(event));
            RunJson.MAPPER.writeTree(json, line);
            json.writeRaw('\n');
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    /** Flushes what was written so far to the file (a reader sees whole lines up to here). */
    public void flush() {
        try {
            json.flush();
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    /** Flushes and returns the file's length: what a checkpoint records. */
    public long flushAndSize() throws IOException {
        json.flush();
        out.flush();
        return Files.size(file);
    }

    @Override
    public void close() throws IOException {
        json.close();
        out.close();
    }
}
