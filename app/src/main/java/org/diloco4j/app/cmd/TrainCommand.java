package org.diloco4j.app.cmd;

import org.diloco4j.app.config.RunConfig;
import org.diloco4j.app.run.Format;
import org.diloco4j.app.run.RunDirectory;
import org.diloco4j.app.run.RunSetup;
import org.diloco4j.app.run.Summary;
import org.diloco4j.app.run.TrainJob;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
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
        TrainJob.Options opts = new TrainJob.Options(!noProgress, System.err);
        StopSignal stop = StopSignal.install();
        try {
            TrainJob.Outcome o;
            if (resume != null) {
                o = TrainJob.resume(RunDirectory.existing(resume), opts, stop.requested());
            } else {
                RunConfig cfg = config.resolve();
                Path dir = out != null ? out : Path.of("runs", LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"))
                        + "-" + cfg.str("method"));
                RunDirectory rd = RunDirectory.create(dir);
                describe(cfg);
                RunSetup setup = RunSetup.build(cfg, System.err::println);
                o = new TrainJob(setup, rd, opts, stop.requested()).start();
            }
            if (o.finished()) print(o.summary(), o.dir());
            return 0;
        } finally {
            stop.done();
        }
    }

    private static void describe(RunConfig cfg) {
        System.err.printf(Locale.ROOT, "diloco: %s, %d workers, GPT %d layers × d %d, %s tokens%n", cfg.str("method"),
                cfg.workers().size(), cfg.integer("model.layers"), cfg.integer("model.d_model"), Format.count(cfg.lng("train.token_budget")));
        for (var w : cfg.workers()) {
            System.err.printf(Locale.ROOT, "  %-14s %.2f s/step  %5.0f↑ %5.0f↓ Mbit/s  %4.0f ms%n", w.name(), w.secondsPerStep(), w.upMbps(),
                    w.downMbps(), w.latencyMs());
        }
    }

    static void print(Summary s, RunDirectory dir) {
        System.out.printf(Locale.ROOT, "%nmethod              %s%n", s.method());
        System.out.printf(Locale.ROOT, "held-out loss       %.4f → %.4f   (perplexity %.2f → %.2f)%n", s.initialEvalLoss(), s.finalEvalLoss(),
                Math.exp(s.initialEvalLoss()), s.finalEvalPpl());
        System.out.printf(Locale.ROOT, "tokens              %s in %d outer steps, %d inner steps%n", Format.count(s.tokens()), s.outerSteps(), s.innerSteps());
        System.out.printf(Locale.ROOT, "simulated time      %s   (real %s)%n", Format.duration(s.simulatedSeconds()), Format.duration(s.wallSeconds()));
        System.out.printf(Locale.ROOT, "bytes sent          %s up, %s down; data-parallel would move %s (%s)%n", Format.bytes(s.bytesUp()),
                Format.bytes(s.bytesDown()), Format.bytes(s.ddpBytesEquivalent()), ratio(s));
        System.out.printf(Locale.ROOT, "compute utilization %.1f%%%n", 100 * s.computeUtilization());
        System.out.printf(Locale.ROOT, "stopped             %s%n", s.stopReason());
        System.out.printf(Locale.ROOT, "run directory       %s   (report: %s)%n", dir.dir(), dir.report());
    }

    static String ratio(Summary s) {
        if (s.ddpBytesEquivalent() == 0 || s.bytesTotal() == 0) return "n/a";
        double r = (double) s.ddpBytesEquivalent() / s.bytesTotal();
        return r >= 1 ? String.format(Locale.ROOT, "%.0f× fewer", r) : String.format(Locale.ROOT, "%.1f× more", 1 / r);
    }
}
