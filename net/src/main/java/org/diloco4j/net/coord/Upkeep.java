package org.diloco4j.net.coord;

import org.diloco4j.core.coord.Coordinator;
import org.diloco4j.core.coord.Metric;
import org.diloco4j.core.train.EvalResult;
import org.diloco4j.core.train.Evaluator;
import org.diloco4j.net.metrics.CoordinatorMetrics;

import java.io.IOException;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.DoubleSupplier;
import java.util.function.Supplier;

/**
 * What a coordinator runtime does besides driving the protocol: evaluating θ as training
 * progresses (on the background thread, on a copy) and checkpointing (a consistent cut taken on
 * the event loop: a copy streamed to the file on the writer thread, or, for a state too large to copy,
 * the live arrays streamed while the loop waits). Everything here runs on
 * the event loop except the evaluations and file writes it hands off.
 */
final class Upkeep {
    private final RuntimeState st;
    private final Coordinator coordinator;
    private final RuntimeOptions opts;
    private final RuntimeListener listener;
    private final CoordinatorMetrics metrics;
    private final Evaluator evaluator;
    private final CheckpointStore store;
    private final RuntimeThreads threads;
    private final DoubleSupplier clock;
    private final Supplier<Set<Integer>> liveMembers;
    private final Consumer<Runnable> onLoop;
    private boolean evalRunning;
    private final CheckpointSchedule schedule;

    Upkeep(RuntimeState st, RuntimeOptions opts, RuntimeListener listener, CoordinatorMetrics metrics, Evaluator evaluator,
           CheckpointStore store, RuntimeThreads threads, DoubleSupplier clock, Supplier<Set<Integer>> liveMembers, Consumer<Runnable> onLoop) {
        this.st = st;
        this.coordinator = st.coordinator;
        this.opts = opts;
        this.listener = listener;
        this.metrics = metrics;
        this.evaluator = evaluator;
        this.store = store;
        this.threads = threads;
        this.clock = clock;
        this.liveMembers = liveMembers;
        this.onLoop = onLoop;
        this.schedule = new CheckpointSchedule(opts.checkpointEveryOuterSteps(), opts.checkpointEverySeconds(), st.clock, coordinator.outerSteps());
    }

    /** After every event: evaluate or checkpoint if it is time. */
    void afterEvent() {
        maybeEvaluate();
        if (store != null && schedule.dueBySteps(coordinator.outerSteps(), clock.getAsDouble())) {
            checkpoint(false);
        }
    }

    /** Periodically: checkpoint if θ changed and enough time passed. */
    void periodic() {
        if (store != null && schedule.dueByTime(coordinator.outerSteps(), clock.getAsDouble())) {
            checkpoint(false);
        }
    }

    /** Evaluates θ when the tokens trained crossed the next mark and θ changed since the last evaluation. */
    private void maybeEvaluate() {
        if (evaluator == null || opts.evalEveryTokens() <= 0 || evalRunning || coordinator.tokens() < st.nextEvalTokens) return;
        if (coordinator.version() == st.lastEvalVersion) return;
        while (st.nextEvalTokens <= coordinator.tokens()) st.nextEvalTokens += opts.evalEveryTokens();
        evalRunning = true;
        Pending p = pending();
        threads.background(() -> {
            EvalResult r = evaluate(p);
            onLoop.accept(() -> {
                evalRunning = false;
                if (r != null) record(r, p);
            });
        });
    }

    /** θ and the counters at the moment an evaluation was asked for. */
    private record Pending(float[] theta, long version, long tokens, long up, long down, double at) {
    }

    private Pending pending() {
        // θ copied into one array for the evaluator's model (the runtime refused at start a θ too large for one).
        return new Pending(coordinator.thetaVector().toArray(), coordinator.version(), coordinator.tokens(), coordinator.ledger().up(),
                coordinator.ledger().down(), clock.getAsDouble());
    }

    /** An evaluation that fails is logged and skipped: it must not end the run. */
    private EvalResult evaluate(Pending p) {
        try {
            return evaluator.evaluate(p.theta());
        } catch (RuntimeException e) {
            onLoop.accept(() -> listener.log("evaluation of θ v" + p.version() + " failed: " + e));
            return null;
        }
    }

    private void record(EvalResult r, Pending p) {
        st.lastEval = r;
        st.lastEvalVersion = p.version();
        listener.metric(new Metric.Eval(p.tokens(), p.version(), r.loss(), r.bitsPerByte(), p.up(), p.down(), p.at()));
        metrics.evaluated(p.version(), r.loss());
    }

    /**
     * The run is over: evaluates the final θ (unless it was just evaluated), waits briefly for the
     * workers' final reports and for lost workers to be told, saves the last checkpoint, then calls
     * {@code done} on the loop.
     */
    void finish(java.util.concurrent.CompletableFuture<Void> finalReports, java.util.concurrent.CompletableFuture<Void> allTold, Runnable done) {
        boolean needed = evaluator != null && st.lastEvalVersion != coordinator.version();
        Pending p = needed ? pending() : null;
        threads.background(() -> {
            EvalResult r = needed ? evaluate(p) : null;
            try {
                finalReports.get((long) (1000 * (2 * opts.heartbeatSeconds() + 1)), java.util.concurrent.TimeUnit.MILLISECONDS);
            } catch (Exception e) {
                // Some worker did not report: its last heartbeat's totals stand.
            }
            try {
                allTold.get(org.diloco4j.net.wire.Limits.STRAGGLER_SECONDS, java.util.concurrent.TimeUnit.SECONDS);
            } catch (Exception e) {
                // Gone for good (crashed, or gave up): nobody left to tell.
            }
            onLoop.accept(() -> {
                if (r != null) record(r, p);
                checkpoint(true);
                done.run();
            });
        });
    }

    /**
     * Cuts the state on the loop ({@link RuntimeState#checkpoint}); the file is written on the
     * writer thread (not the evaluations' background thread: a checkpoint the loop waits for must
     * not queue behind an evaluation), after any write queued before it. The loop waits for it with
     * {@code sync}, and when the cut holds the live arrays (a state too large to copy): they must
     * not change before they are written, so that wait ignores interrupts. It cannot deadlock: the
     * writer thread never waits for the loop.
     */
    void checkpoint(boolean sync) {
        if (store == null) return;
        st.clock = clock.getAsDouble();
        st.members.clear();
        st.members.addAll(liveMembers.get());
        long mark = listener.mark();
        RuntimeState.Cut cut = st.checkpoint(mark);
        CheckpointStore.Checkpoint c = cut.checkpoint();
        long steps = coordinator.outerSteps();
        Runnable write = () -> {
            try {
                store.save(c);
                metrics.checkpointed(true);
            } catch (IOException e) {
                metrics.checkpointed(false);
                onLoop.accept(() -> listener.log("checkpoint at outer step " + c.outerSteps() + " failed: " + e.getMessage()));
            }
        };
        boolean live = cut.how() == CheckpointCut.LIVE;
        if (sync || live) threads.writeAndWait(write, live);
        else threads.write(write);
        // A live write paused the loop: the next interval counts from its end (CheckpointSchedule).
        if (live) schedule.written(st.clock, clock.getAsDouble(), steps);
        else schedule.copied(st.clock, steps);
    }
}
