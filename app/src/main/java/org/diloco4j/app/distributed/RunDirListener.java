package org.diloco4j.app.distributed;

import org.diloco4j.app.run.JsonlMetrics;
import org.diloco4j.app.run.LiveReport;
import org.diloco4j.app.run.Progress;
import org.diloco4j.core.coord.Metric;
import org.diloco4j.core.coord.MetricSink;
import org.diloco4j.core.run.Segment;
import org.diloco4j.net.coord.RuntimeListener;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;

/** Writes what a networked coordinator reports into its run directory, the progress line and the log. */
final class RunDirListener implements RuntimeListener {
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss");
    private final JsonlMetrics metrics;
    private final Progress progress;
    private final LiveReport live;
    private final PrintStream log;
    private final MetricSink observer;

    /**
     * @param live     rewrites report.html as the run goes
     * @param observer also receives every metric (the run's guard, which watches for the first outer step)
     */
    RunDirListener(JsonlMetrics metrics, Progress progress, LiveReport live, PrintStream log, MetricSink observer) {
        this.metrics = metrics;
        this.progress = progress;
        this.live = live;
        this.log = log;
        this.observer = observer;
    }

    @Override
    public void metric(Metric m) {
        metrics.emit(m);
        if (progress != null) progress.emit(m);
        live.emit(m);
        observer.emit(m);
        if (progress == null && m instanceof Metric.Eval e) {
            log(String.format(Locale.ROOT, "eval at %d tokens (θ v%d): loss %.4f", e.tokens(), e.version(), e.loss()));
        }
        // Joins are already logged as "admitted"; a wait says why nothing trains yet.
        if (m instanceof Metric.Decision d && d.kind() != org.diloco4j.core.coord.DecisionKind.JOIN) log(d.kind().label() + ": " + d.reason());
    }

    @Override
    public void segment(String worker, Segment.Kind kind, double start, double end) {
        metrics.segments(List.of(new Segment(worker, kind, start, end)));
    }

    @Override
    public void log(String line) {
        log.println(LocalTime.now().format(CLOCK) + " coordinator: " + line);
    }

    @Override
    public long mark() {
        try {
            return metrics.flushAndSize();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot flush metrics.jsonl", e);
        }
    }
}
