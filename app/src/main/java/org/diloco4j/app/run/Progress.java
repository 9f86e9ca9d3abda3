package org.diloco4j.app.run;

import me.tongfei.progressbar.ProgressBar;
import org.diloco4j.app.report.Fmt;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.diloco4j.core.coord.Metric;
import org.diloco4j.core.coord.MetricSink;

import java.util.Locale;

/**
 * The live progress line: tokens trained against the budget, the outer step, the latest held-out
 * loss and train loss, real tokens per second, simulated time and bytes sent.
 */
public final class Progress implements MetricSink, AutoCloseable {
    private final ProgressBar bar;
    private final long startNanos = System.nanoTime();
    private final long startTokens;
    private double evalLoss = Double.NaN;
    private double trainLoss = Double.NaN;
    private long tokens;
    private long bytes;
    private double simSeconds;
    private long step;

    public Progress(String task, long budget, long tokensSoFar) {
        this.startTokens = tokensSoFar;
        this.tokens = tokensSoFar;
        this.bar = new ProgressBarBuilder().setTaskName(task).setInitialMax(budget).setStyle(ProgressBarStyle.ASCII)
                .setUpdateIntervalMillis(500).setUnit(" ktok", 1_000).hideEta().build();
        bar.stepTo(tokensSoFar);
    }

    @Override
    public void emit(Metric m) {
        switch (m) {
            case Metric.OuterStep s -> {
                tokens = s.tokens();
                bytes = s.bytesUp() + s.bytesDown();
                simSeconds = s.time();
                step = s.step();
            }
            case Metric.Eval e -> evalLoss = e.loss();
            case Metric.TrainLoss t -> trainLoss = Double.isNaN(trainLoss) ? t.loss() : 0.9 * trainLoss + 0.1 * t.loss();
            case Metric.Decision d -> { }
        }
        double secs = (System.nanoTime() - startNanos) / 1e9;
        bar.stepTo(tokens);
        // Most telling first: an 80-column terminal cuts the line's end.
        bar.setExtraMessage(String.format(Locale.ROOT, "step %d | eval %s | train %s | %.0f tok/s | sim %s | %s",
                step, Fmt.loss(evalLoss), Fmt.loss(trainLoss), (tokens - startTokens) / Math.max(secs, 1e-9), Fmt.seconds(simSeconds), Fmt.bytes(bytes)));
    }

    @Override
    public void close() {
        bar.close();
    }
}
