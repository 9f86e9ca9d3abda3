package org.diloco4j.app.cmd;

import org.diloco4j.app.config.RunConfig;
import org.diloco4j.app.failure.UserError;
import org.diloco4j.app.report.Fmt;
import org.diloco4j.app.run.DeferredLog;
import org.diloco4j.app.run.RunDirectory;
import org.diloco4j.app.run.RunGuard;
import org.diloco4j.app.run.RunSetup;
import org.diloco4j.app.run.TrainJob;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code diloco train}: one simulated run, with a run directory and a report. */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = {"Train a GPT with a DiLoCo-family method on simulated heterogeneous workers.",
                "With no options: 4 workers of very different speeds around the world, asynchronous DiLoCo with",
                "Delayed Nesterov and Dynamic Local Updates, on the Europarl sample split by language.",
                "Ctrl-C stops cleanly with a checkpoint; --resume continues it."})
public final class TrainCommand implements Callable<Integer> {
    @Mixin
    ConfigOptions config;

    @Option(names = "--out", paramLabel = "DIR", description = "run directory (default: runs/<time>-<method>)")
    Path out;

    @Option(names = "--resume", paramLabel = "DIR", description = "continue the run checkpointed in DIR")
    Path resume;

    @Option(names = "--no-progress", description = "no live progress line")
    boolean noProgress;

    @Override
    public Integer call() throws Exception {
        StopSignal stop = StopSignal.install();
        try {
            TrainJob.Outcome o = resume != null ? resume(stop) : start(stop);
            if (o.finished()) SummaryLines.print(o.summary(), o.dir(), false);
            return 0;
        } finally {
            stop.done();
        }
    }

    private TrainJob.Outcome start(StopSignal stop) throws Exception {
        RunConfig cfg = config.resolve();
        Path dir = out != null ? out : RunDirectory.defaultPath(cfg.str("method"));
        // Everything that can be wrong with the run (corpus, device, ...) is found before its directory exists.
        RunDirectory.requireFree(dir);
        DeferredLog notes = new DeferredLog();
        RunSetup setup = RunSetup.build(cfg, notes);
        setup.checkInitFrom();
        if (stop.requested().get()) throw UserError.stoppedBeforeStart();
        describe(cfg);
        notes.flushTo(System.err);
        RunGuard guard = RunGuard.create(dir);
        try {
            return new TrainJob(setup, guard.dir(), options(guard), stop.requested()).start();
        } catch (Exception | Error e) {
            throw guard.failed(e);
        }
    }

    private TrainJob.Outcome resume(StopSignal stop) {
        RunDirectory dir = RunDirectory.existing(resume);
        RunGuard guard = RunGuard.resuming(dir);
        try {
            return TrainJob.resume(dir, options(guard), stop.requested());
        } catch (Exception | Error e) {
            throw guard.failed(e);
        }
    }

    private TrainJob.Options options(RunGuard guard) {
        return new TrainJob.Options(!noProgress, System.err, guard);
    }

    private static void describe(RunConfig cfg) {
        System.err.printf(Locale.ROOT, "diloco: %s, %d workers, GPT %d layers × d %d, %s tokens%n", cfg.str("method"),
                cfg.workers().size(), cfg.integer("model.layers"), cfg.integer("model.d_model"), Fmt.tokens(cfg.lng("train.token_budget")));
        for (var w : cfg.workers()) {
            System.err.printf(Locale.ROOT, "  %-14s %.2f s/step  %5.0f↑ %5.0f↓ Mbit/s  %4.0f ms%n", w.name(), w.secondsPerStep(), w.upMbps(),
                    w.downMbps(), w.latencyMs());
        }
    }
}
