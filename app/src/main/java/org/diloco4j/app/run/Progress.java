package org.diloco4j.app.run;

import org.diloco4j.core.coord.Metric;
import org.diloco4j.core.coord.MetricSink;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A run's progress as it trains: tokens against the budget, outer step, latest held-out and
 * training losses, tokens per second, the run's time and bytes sent (see {@link ProgressLine}).
 * On a terminal it is one line redrawn in place and fitted to the width; anywhere else (a log
 * file, a pipe, CI, nohup) it is a plain, complete, time-stamped line every {@link #PLAIN_EVERY}
 * while the run advances, and one at the end. Lines printed through {@link #log()} appear above it
 * without tearing it.
 * <p>
 * Written here rather than with the progressbar library, which this class used before: its
 * renderer seam takes a {@code ProgressState} that only the library can construct and is driven by
 * its own timer thread on the wall clock, so neither the fitted line nor the log cadence could be
 * tested with an injected width and clock; it writes {@code \r} frames to files and pipes alike;
 * it has no way to print a log line above the bar; and it sizes the bar by whichever of stdout or
 * stderr is a terminal. JLine, which it used for the width, is still what measures the terminal
 * ({@link JlineScreen}).
 */
public final class Progress implements MetricSink, AutoCloseable {
    /** Without a terminal, a line this often while the run advances. */
    public static final Duration PLAIN_EVERY = Duration.ofSeconds(10);
    /** On a terminal, a redraw at most this often: a simulated run reports thousands of events a second. */
    static final Duration REDRAW_EVERY = Duration.ofMillis(200);
    /** Redraws between events keep tokens per second true when nothing arrives for a while. */
    private static final long TICK_MILLIS = 1000;
    private static final DateTimeFormatter HMS = DateTimeFormatter.ofPattern("HH:mm:ss");

    private final String task;
    private final long budget;
    private final RunClock runClock;
    private final Screen screen;
    private final PrintStream out;
    private final Clock clock;
    private final PrintStream log;
    private ScheduledExecutorService ticker;

    private long startTokens;
    private long startMillis;
    private long tokens;
    private long step;
    private long bytes;
    private double time;
    /** The run's real time when this session's clock started (a networked run's line keeps it moving between events). */
    private double timeAtStart;
    private double evalLoss = Double.NaN;
    private double trainLoss = Double.NaN;
    /** Any metric yet: before the first there is nothing worth a line. */
    private boolean seen;
    /** Something changed since the last plain line. */
    private boolean dirty;
    private long lastDrawMillis;
    /** Characters of the line now on the terminal; 0 when none is. */
    private int drawn;
    private long lastPlainMillis;
    /** When the budget was reached: tokens per second stops there, not in the evaluation and report writing after it. */
    private long doneMillis = -1;
    private boolean closed;

    /**
     * @param task        names the run in plain lines ("12:00:10 diloco: 45% ...")
     * @param tokensSoFar tokens trained before this session (a resumed run's checkpoint)
     * @param out         where the line goes; {@code screen} says whether it is a terminal
     */
    Progress(String task, long budget, long tokensSoFar, RunClock runClock, Screen screen, PrintStream out, Clock clock) {
        this.task = task;
        this.budget = budget;
        this.runClock = runClock;
        this.screen = screen;
        this.out = out;
        this.clock = clock;
        this.log = new PrintStream(new LineOutputStream(this::above), true, StandardCharsets.UTF_8);
        this.startTokens = tokensSoFar;
        this.tokens = tokensSoFar;
        this.startMillis = clock.millis();
        this.lastPlainMillis = startMillis;
        this.lastDrawMillis = startMillis - REDRAW_EVERY.toMillis();
    }

    /** Progress on standard error, redrawn in place if it is a terminal, in plain lines if not. */
    public static Progress onStderr(String task, long budget, long tokensSoFar, RunClock runClock) {
        Progress p = new Progress(task, budget, tokensSoFar, runClock, JlineScreen.stderr(), System.err, Clock.systemDefaultZone());
        p.ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "diloco-progress");
            t.setDaemon(true);
            return t;
        });
        p.ticker.scheduleWithFixedDelay(p::tick, TICK_MILLIS, TICK_MILLIS, TimeUnit.MILLISECONDS);
        return p;
    }

    /**
     * A session that continues a run from its checkpoint, known only once the checkpoint is read:
     * the line starts where the run stood, and tokens per second counts from there, from now.
     * (The held-out loss shows at the session's first evaluation.)
     */
    public synchronized void resumedAt(long tokensSoFar, long outerSteps, long bytesSoFar, double runTime) {
        startTokens = tokensSoFar;
        tokens = Math.max(tokens, tokensSoFar);
        step = Math.max(step, outerSteps);
        bytes = Math.max(bytes, bytesSoFar);
        time = Math.max(time, runTime);
        timeAtStart = runTime;
        startMillis = clock.millis();
    }

    @Override
    public synchronized void emit(Metric m) {
        switch (m) {
            case Metric.OuterStep s -> {
                tokens = s.tokens();
                bytes = s.bytesUp() + s.bytesDown();
                step = s.step();
                if (tokens >= budget && doneMillis < 0) doneMillis = clock.millis();
            }
            case Metric.Eval e -> evalLoss = e.loss();
            case Metric.TrainLoss t -> trainLoss = Double.isNaN(trainLoss) ? t.loss() : 0.9 * trainLoss + 0.1 * t.loss();
            case Metric.Decision d -> {
                // Who joined or was dropped is the log's business; the line has nothing new.
                return;
            }
        }
        time = Math.max(time, m.time());
        seen = true;
        dirty = true;
        refresh(false);
    }

    /** Prints lines above the progress line (whole lines only; a line is printed when its end is). */
    public PrintStream log() {
        return log;
    }

    /** The line as it is now. */
    synchronized ProgressLine line() {
        double secs = ((doneMillis >= 0 ? doneMillis : clock.millis()) - startMillis) / 1000.0;
        double rate = secs >= 1 ? (tokens - startTokens) / secs : Double.NaN;
        double shownTime = runClock == RunClock.WALL ? Math.max(time, timeAtStart + secs) : time;
        return new ProgressLine(tokens, budget, step, evalLoss, trainLoss, rate, shownTime, runClock, bytes);
    }

    /** The ticker's turn (tests take it themselves). */
    synchronized void tick() {
        if (seen && !closed) refresh(false);
    }

    private void refresh(boolean last) {
        long now = clock.millis();
        if (screen.terminal()) {
            if (!last && now - lastDrawMillis < REDRAW_EVERY.toMillis()) return;
            int columns = screen.columns();
            String text = line().fit(columns);
            // Blanks over what is left of a longer line, but never into the last column of a narrowed terminal.
            out.print("\r" + text + " ".repeat(Math.max(0, Math.min(drawn, columns - 1) - text.length())));
            out.flush();
            drawn = text.length();
            lastDrawMillis = now;
        } else {
            if (!dirty || (!last && now - lastPlainMillis < PLAIN_EVERY.toMillis())) return;
            out.println(LocalTime.ofInstant(clock.instant(), clock.getZone()).format(HMS) + " " + task + ": " + line().plain());
            out.flush();
            dirty = false;
            lastPlainMillis = now;
        }
    }

    private synchronized void above(String text) {
        if (drawn > 0 && !closed) {
            out.print("\r" + text + " ".repeat(Math.max(0, Math.min(drawn, screen.columns() - 1) - text.length())) + "\n");
            drawn = 0;
            refresh(true);
        } else {
            out.println(text);
            out.flush();
        }
    }

    /** Draws the final state (a terminal's line then ends; a log gets its last line). Closing twice does nothing. */
    @Override
    public synchronized void close() {
        if (closed) return;
        if (ticker != null) ticker.shutdownNow();
        if (seen) refresh(true);
        if (drawn > 0) out.println();
        out.flush();
        drawn = 0;
        closed = true;
    }
}
