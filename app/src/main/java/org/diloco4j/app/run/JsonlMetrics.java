package org.diloco4j.app.run;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import org.diloco4j.app.config.WorkerEntry;
import org.diloco4j.core.coord.Metric;
import org.diloco4j.core.coord.MetricSink;
import org.diloco4j.sim.Segment;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Locale;

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
            this.json = new JsonFactory().createGenerator(out);
            json.setRootValueSeparator(null);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    /** Cuts {@code file} to {@code length} bytes (what it held when a checkpoint was taken). */
    public static void truncate(Path file, long length) throws IOException {
        if (!Files.exists(file)) return;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.truncate(length);
        }
    }

    @Override
    public void emit(Metric m) {
        try {
            json.writeStartObject();
            switch (m) {
                case Metric.OuterStep s -> {
                    json.writeStringField("type", "outer_step");
                    time(s.time());
                    json.writeNumberField("step", s.step());
                    json.writeNumberField("version", s.version());
                    json.writeNumberField("fragment", s.fragment());
                    json.writeArrayFieldStart("contributors");
                    for (int c : s.contributors()) json.writeNumber(c);
                    json.writeEndArray();
                    json.writeArrayFieldStart("staleness");
                    for (long c : s.staleness()) json.writeNumber(c);
                    json.writeEndArray();
                    json.writeArrayFieldStart("weights");
                    for (double c : s.weights()) json.writeNumber(c);
                    json.writeEndArray();
                    json.writeNumberField("members", s.members());
                    json.writeNumberField("tokens", s.tokens());
                    json.writeNumberField("bytes_up", s.bytesUp());
                    json.writeNumberField("bytes_down", s.bytesDown());
                    number("delta_norm", s.deltaNorm());
                }
                case Metric.Decision d -> {
                    json.writeStringField("type", "decision");
                    time(d.time());
                    json.writeStringField("kind", d.kind().label());
                    json.writeNumberField("member", d.member());
                    json.writeStringField("reason", d.reason());
                }
                case Metric.Eval e -> {
                    json.writeStringField("type", "eval");
                    time(e.time());
                    json.writeNumberField("tokens", e.tokens());
                    json.writeNumberField("version", e.version());
                    number("loss", e.loss());
                    number("ppl", e.perplexity());
                    number("bpb", e.bitsPerByte());
                    json.writeNumberField("bytes_up", e.bytesUp());
                    json.writeNumberField("bytes_down", e.bytesDown());
                }
                case Metric.TrainLoss t -> {
                    json.writeStringField("type", "train_loss");
                    time(t.time());
                    json.writeStringField("worker", t.worker());
                    json.writeNumberField("step", t.step());
                    number("loss", t.loss());
                    number("lr", t.lr());
                    number("grad_norm", t.gradNorm());
                    number("tokens_per_second", t.tokensPerSecond());
                }
            }
            json.writeEndObject();
            json.writeRaw('\n');
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    /** The run_start line: method, clock, model size and the workers' profiles. */
    public void runStart(String method, RunClock clock, long params, List<WorkerEntry> workers) {
        try {
            json.writeStartObject();
            json.writeStringField("type", "run_start");
            json.writeStringField("method", method);
            json.writeStringField("clock", clock.wire());
            json.writeNumberField("model_params", params);
            json.writeArrayFieldStart("workers");
            for (int i = 0; i < workers.size(); i++) {
                WorkerEntry w = workers.get(i);
                json.writeStartObject();
                json.writeStringField("name", w.name());
                json.writeNumberField("seconds_per_step", w.secondsPerStep());
                json.writeNumberField("up_mbps", w.upMbps());
                json.writeNumberField("down_mbps", w.downMbps());
                json.writeNumberField("latency_ms", w.latencyMs());
                json.writeNumberField("shard", w.shardAt(i));
                json.writeEndObject();
            }
            json.writeEndArray();
            json.writeEndObject();
            json.writeRaw('\n');
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    /** A {@code sample} line: text from the global model θ {@code version} at {@code time}. */
    public void sample(TextSample s, double time, long version) {
        try {
            json.writeStartObject();
            json.writeStringField("type", "sample");
            time(time);
            json.writeNumberField("version", version);
            json.writeNumberField("index", s.index());
            json.writeStringField("prompt", s.prompt());
            json.writeStringField("text", s.text());
            json.writeNumberField("tokens", s.tokens());
            json.writeNumberField("seed", s.seed());
            json.writeNumberField("temperature", s.temperature());
            json.writeNumberField("top_k", s.topK());
            json.writeEndObject();
            json.writeRaw('\n');
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    public void segments(List<Segment> timeline) {
        try {
            for (Segment s : timeline) {
                json.writeStartObject();
                json.writeStringField("type", "segment");
                json.writeStringField("worker", s.worker());
                json.writeStringField("kind", s.kind().name().toLowerCase(Locale.ROOT));
                json.writeNumberField("start", s.start());
                json.writeNumberField("end", s.end());
                json.writeEndObject();
                json.writeRaw('\n');
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    private void time(double t) throws IOException {
        json.writeNumberField("time", t);
    }

    private void number(String field, double v) throws IOException {
        if (Double.isFinite(v)) json.writeNumberField(field, v);
        else json.writeNullField(field);
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
