package org.diloco4j.app.run;

import org.diloco4j.app.config.RunConfig;
import org.diloco4j.core.coord.Metric;
import org.diloco4j.core.coord.MetricSink;

import java.io.IOException;
import java.io.PrintStream;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;

/**
 * Rewrites a run's report.html while it runs, so it can be watched in a browser: at the first
 * metric, then every {@code report.every_outer_steps} outer steps or {@code report.every_seconds}
 * of real time, whichever comes first, but never sooner than {@link #COST_FACTOR} times the last
 * rewrite took (so rewriting stays under 1/COST_FACTOR of the run's time however large it grows).
 * Each rewrite flushes metrics.jsonl (on the emitting thread, the one that writes it) and renders
 * the directory as it is on disk, atomically. A rewrite that fails is reported once and never ends
 * the run.
 */
public final class LiveReport implements MetricSink, AutoCloseable {
    /** The next rewrite waits at least this many times the last one's duration. */
    static final int COST_FACTOR = 50;

    /** When to rewrite; both 0 turns live rewriting off. */
    public record Policy(int everyOuterSteps, double everySeconds) {
        public static Policy of(RunConfig c) {
            return new Policy(c.integer("report.every_outer_steps"), c.dbl("report.every_seconds"));
        }

        boolean off() {
            return everyOuterSteps <= 0 && everySeconds <= 0;
        }
    }

    /** Renders the report(s) of the run as they are on disk. */
    @FunctionalInterface
    public interface Renderer {
        void render() throws IOException;
    }

    /** What the rewrites cost: how many, and their wall time in total and at most. */
    public record Cost(int rewrites, double totalSeconds, double maxSeconds) {
        public double meanMillis() {
            return rewrites == 0 ? Double.NaN : totalSeconds / rewrites * 1000;
        }
    }

    private final Policy policy;
    private final Runnable flush;
    private final Renderer renderer;
    private final PrintStream log;
    private final ExecutorService background;   // null: render on the emitting thread
    private final LongSupplier nanos;
    private final AtomicBoolean busy = new AtomicBoolean();
    private final AtomicBoolean warned = new AtomicBoolean();
    private boolean started;
    private long lastStep;
    private long lastAt;
    private volatile long lastCost;
    private int rewrites;
    private long totalCost;
    private long maxCost;

    private LiveReport(Policy policy, Runnable flush, Renderer renderer, PrintStream log, boolean inBackground, LongSupplier nanos) {
        this.policy = policy;
        this.flush = flush;
        this.renderer = renderer;
        this.log = log;
        this.background = inBackground ? Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "diloco-live-report");
            t.setDaemon(true);
            return t;
        }) : null;
        this.nanos = nanos;
        this.lastAt = nanos.getAsLong();
    }

    /** Renders on the emitting thread: the simulator's, which is the only one writing the run directory. */
    public static LiveReport inline(Policy policy, Runnable flush, Renderer renderer, PrintStream log) {
        return new LiveReport(policy, flush, renderer, log, false, System::nanoTime);
    }

    /**
     * Renders on a thread of its own (a coordinator's event loop must not wait for it); a rewrite
     * that falls due while one is still rendering is skipped.
     */
    public static LiveReport background(Policy policy, Runnable flush, Renderer renderer, PrintStream log) {
        return new LiveReport(policy, flush, renderer, log, true, System::nanoTime);
    }

    static LiveReport forTest(Policy policy, Runnable flush, Renderer renderer, PrintStream log, LongSupplier nanos) {
        return new LiveReport(policy, flush, renderer, log, false, nanos);
    }

    @Override
    public void emit(Metric m) {
        if (policy.off()) return;
        long now = nanos.getAsLong();
        long step = m instanceof Metric.OuterStep o ? o.step() : lastStep;
        if (!due(step, now)) return;
        started = true;
        lastStep = step;
        lastAt = now;
        flush.run();
        if (background == null) {
            render();
        } else if (!background.isShutdown() && busy.compareAndSet(false, true)) {
            background.execute(() -> {
                try {
                    render();
                } finally {
                    busy.set(false);
                }
            });
        }
    }

    private boolean due(long step, long now) {
        if (!started) return true;
        if (now - lastAt < COST_FACTOR * lastCost) return false;
        return (policy.everyOuterSteps() > 0 && step - lastStep >= policy.everyOuterSteps())
                || (policy.everySeconds() > 0 && now - lastAt >= policy.everySeconds() * 1e9);
    }

    private void render() {
        long t0 = nanos.getAsLong();
        try {
            renderer.render();
        } catch (IOException | RuntimeException e) {
            if (warned.compareAndSet(false, true)) {
                log.println("diloco: warning: could not rewrite the report during the run (" + e.getMessage()
                        + "); training goes on, the report is written at the end");
            }
        }
        long cost = nanos.getAsLong() - t0;
        synchronized (this) {
            lastCost = cost;
            rewrites++;
            totalCost += cost;
            maxCost = Math.max(maxCost, cost);
        }
    }

    /** What the rewrites so far cost. */
    public synchronized Cost cost() {
        return new Cost(rewrites, totalCost / 1e9, maxCost / 1e9);
    }

    /** Waits for a rewrite in progress (the final report must not race with it). */
    @Override
    public void close() {
        if (background == null) return;
        background.shutdown();
        try {
            if (!background.awaitTermination(60, TimeUnit.SECONDS)) background.shutdownNow();
        } catch (InterruptedException e) {
            background.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
