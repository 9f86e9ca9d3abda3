package org.diloco4j.app.run;

import org.diloco4j.core.io.AtomicFiles;
import org.diloco4j.app.config.ConfigLoader;
import org.diloco4j.app.config.RunConfig;
import org.diloco4j.app.config.TomlWriter;
import org.diloco4j.app.report.RunStatus;
import org.diloco4j.core.coord.MetricSink;
import org.diloco4j.model.eval.GptEvaluator;
import org.diloco4j.sim.SimResult;
import org.diloco4j.sim.Simulation;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A simulated training run with its run directory: writes config.toml and metrics.jsonl as it goes,
 * checkpoints periodically and when asked to stop, and at the end writes summary.json and the report.
 * A run stopped with a checkpoint continues with {@link #resume}, and with the same seed ends
 * exactly as an uninterrupted run would have.
 */
public final class TrainJob {
    /**
     * How a job reports to the user.
     *
     * @param observer also receives every metric (tests, tools), after the live report saw it; may be null
     * @param combined a comparison report to rewrite along with the run's own while it runs; may be null
     */
    public record Options(boolean progress, PrintStream log, MetricSink observer, Combined combined) {
        public Options(boolean progress, PrintStream log, MetricSink observer) {
            this(progress, log, observer, null);
        }

        public Options(boolean progress, PrintStream log) {
            this(progress, log, null);
        }

        public static Options quiet() {
            return new Options(false, new PrintStream(PrintStream.nullOutputStream()), null);
        }
    }

    /** A comparison report of runs already finished plus this one, written to {@code out}. */
    public record Combined(List<RunDirectory> finished, Path out) {
        public Combined {
            finished = List.copyOf(finished);
        }
    }

    /** What a job ended with: a summary if it finished, or null if it stopped at a checkpoint. */
    public record Outcome(Summary summary, RunDirectory dir, float[] theta) {
        public boolean finished() {
            return summary != null;
        }
    }

    private final RunSetup setup;
    private final RunDirectory dir;
    private final Options options;
    private final AtomicBoolean stopRequested;

    public TrainJob(RunSetup setup, RunDirectory dir, Options options, AtomicBoolean stopRequested) {
        this.setup = setup;
        this.dir = dir;
        this.options = options;
        this.stopRequested = stopRequested;
    }

    /** Starts a new run in {@code dir} (which must not hold a run yet). */
    public Outcome start() throws IOException {
        RunConfig cfg = setup.config();
        AtomicFiles.write(dir.config(), TomlWriter.write(cfg).getBytes(StandardCharsets.UTF_8));
        try (JsonlMetrics metrics = new JsonlMetrics(dir.metrics()); GptEvaluator evaluator = setup.evaluator()) {
            metrics.runStart(cfg.str("method"), RunClock.SIMULATED, setup.plan().totalSize(), cfg.workers());
            try (Progress progress = progress(0);
                 LiveReport live = liveReport(metrics, progress);
                 Simulation sim = new Simulation(setup.simConfig(), setup.coordinatorConfig(), setup.plan(), setup.initialTheta(),
                         setup.trainers(), evaluator, sinks(metrics, progress, live, options.observer()))) {
                return drive(sim, metrics, progress, live, 0);
            }
        }
    }

    /** Continues the run checkpointed in {@code dir}. */
    public static Outcome resume(RunDirectory dir, Options options, AtomicBoolean stopRequested) throws IOException {
        RunDirectory.CheckpointMeta meta = dir.readMeta();
        RunConfig cfg = ConfigLoader.loadSaved(dir.config());
        DeferredLog notes = new DeferredLog();
        RunSetup setup = RunSetup.build(cfg, notes);
        TrainJob job = new TrainJob(setup, dir, options, stopRequested);
        // The simulation reads its checkpoint before metrics.jsonl exists for it: its sink is connected afterwards.
        AtomicReference<MetricSink> sink = new AtomicReference<>(MetricSink.NONE);
        try (GptEvaluator evaluator = setup.evaluator(); Simulation sim = readCheckpoint(dir, setup, evaluator, m -> sink.get().emit(m))) {
            // Only a checkpoint that could be read may cut metrics.jsonl back to where it was taken.
            JsonlMetrics.truncate(dir.metrics(), meta.metricsBytes());
            options.log().println("diloco: resuming " + dir.dir() + " at outer step " + meta.outerSteps());
            notes.flushTo(options.log());
            try (JsonlMetrics metrics = new JsonlMetrics(dir.metrics()); Progress progress = job.progress(meta.tokens());
                 LiveReport live = job.liveReport(metrics, progress)) {
                sink.set(sinks(metrics, progress, live, options.observer()));
                return job.drive(sim, metrics, progress, live, meta.wallSeconds());
            }
        }
    }

    private static Simulation readCheckpoint(RunDirectory dir, RunSetup setup, GptEvaluator evaluator, MetricSink sink) {
        try {
            return Simulation.resume(dir.state(), setup.simConfig(), setup.coordinatorConfig(), setup.plan(), setup.trainers(), evaluator, sink);
        } catch (IOException e) {
            throw dir.unresumable(e instanceof NoSuchFileException ? "its state.bin is missing" : e.getMessage(), e);
        }
    }

    private Progress progress(long tokensSoFar) {
        return options.progress()
                ? Progress.onStderr(setup.config().str("method"), setup.config().lng("train.token_budget"), tokensSoFar, RunClock.SIMULATED)
                : null;
    }

    private static MetricSink sinks(JsonlMetrics metrics, Progress progress, LiveReport live, MetricSink observer) {
        return m -> {
            metrics.emit(m);
            if (progress != null) progress.emit(m);
            live.emit(m);
            if (observer != null) observer.emit(m);
        };
    }

    /** Rewrites report.html (and the comparison, if any) as the simulation goes, on the simulator's thread. */
    private LiveReport liveReport(JsonlMetrics metrics, Progress progress) {
        return LiveReport.inline(LiveReport.Policy.of(setup.config()), metrics::flush, () -> writeReports(RunStatus.RUNNING), log(progress));
    }

    /** The run's report and the comparison it is part of, if any, as of now. */
    private void writeReports(RunStatus status) throws IOException {
        Reports.write(dir, status);
        Combined combined = options.combined();
        if (combined != null) Reports.writeCombined(combined.finished(), dir, status, combined.out());
    }

    /** Where lines go while the run goes: above the progress line, if there is one, rather than through it. */
    private PrintStream log(Progress progress) {
        return progress != null ? progress.log() : options.log();
    }

    private Outcome drive(Simulation sim, JsonlMetrics metrics, Progress progress, LiveReport live, double wallBefore) throws IOException {
        long started = System.nanoTime();
        long every = setup.config().lng("checkpoint.every_outer_steps");
        long[] nextSave = {every > 0 ? sim.coordinator().outerSteps() + every : Long.MAX_VALUE};
        SimResult result;
        while ((result = sim.run(() -> stopRequested.get() || sim.coordinator().outerSteps() >= nextSave[0])) == null) {
            double wall = wallBefore + (System.nanoTime() - started) / 1e9;
            saveCheckpoint(sim, metrics, wall);
            if (stopRequested.get()) {
                writeReports(RunStatus.STOPPED);
                if (progress != null) progress.close();
                options.log().println("diloco: stopped at outer step " + sim.coordinator().outerSteps()
                        + "; checkpoint saved. Continue with: ./diloco train --resume " + dir.dir());
                return new Outcome(null, dir, sim.coordinator().theta().clone());
            }
            nextSave[0] = sim.coordinator().outerSteps() + every;
        }
        for (TextSample t : RunSamples.of(setup, sim.coordinator().theta())) {
            metrics.sample(t, result.simulatedSeconds(), sim.coordinator().version());
        }
        double wall = wallBefore + (System.nanoTime() - started) / 1e9;
        metrics.segments(result.timeline());
        int tokensPerStep = setup.config().integer("train.batch") * setup.gpt().context();
        Summary summary = Summary.of(setup.config().str("method"), setup.plan().totalSize(), tokensPerStep, result.toRunResult(), wall);
        saveCheckpoint(sim, metrics, wall);
        RunFinish.write(dir, setup, summary, sim.coordinator().theta());
        logCost(log(progress), live.cost(), wall - wallBefore);
        return new Outcome(summary, dir, sim.coordinator().theta().clone());
    }

    /** One line on what watching the run cost: it should be a small share of it. */
    static void logCost(PrintStream log, LiveReport.Cost c, double runSeconds) {
        if (c.rewrites() == 0) return;
        log.printf(java.util.Locale.ROOT, "diloco: report.html was rewritten %d times during the run, %.0f ms each on average "
                + "(%.1f%% of the run's %.0f s)%n", c.rewrites(), c.meanMillis(), 100 * c.totalSeconds() / Math.max(runSeconds, 1e-9), runSeconds);
    }

    private void saveCheckpoint(Simulation sim, JsonlMetrics metrics, double wall) throws IOException {
        long bytes = metrics.flushAndSize();
        dir.saveCheckpoint(sim::checkpoint, RunDirectory.CheckpointMeta.of(bytes, wall, sim.coordinator().outerSteps(),
                sim.coordinator().tokens()));
    }

    /** Reads a run's final θ from its checkpoint (for sample and eval). */
    public static float[] finalTheta(RunDirectory dir) throws IOException {
        return Simulation.readTheta(dir.state());
    }
}
