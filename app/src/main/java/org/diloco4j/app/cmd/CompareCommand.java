package org.diloco4j.app.cmd;

import org.diloco4j.app.config.Resolver;
import org.diloco4j.app.config.RunConfig;
import org.diloco4j.app.failure.ExitCode;
import org.diloco4j.app.failure.RunFailure;
import org.diloco4j.app.failure.UserError;
import org.diloco4j.app.report.Fmt;
import org.diloco4j.app.run.DeferredLog;
import org.diloco4j.app.run.EqualTokens;
import org.diloco4j.app.run.Reports;
import org.diloco4j.app.run.RunDirectory;
import org.diloco4j.app.run.RunGuard;
import org.diloco4j.app.run.RunSetup;
import org.diloco4j.app.run.Summary;
import org.diloco4j.app.run.TrainJob;
import org.diloco4j.core.coord.MetricSink;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code diloco compare}: several methods on the same token budget and seed, one table, one report. */
@Command(name = "compare", mixinStandardHelpOptions = true,
        description = "Run several methods on the same workers, data, seed and token budget; print a table like the papers' and write a combined report.")
public final class CompareCommand implements Callable<Integer> {
    @Mixin
    ConfigOptions config;

    @Option(names = "--methods", split = ",", paramLabel = "M1,M2,...",
            description = "methods to compare (default: ddp,diloco,async,async-dn-dylu,streaming)")
    List<String> methods = List.of("ddp", "diloco", "async", "async-dn-dylu", "streaming");

    @Option(names = "--budget-tokens", paramLabel = "N", description = "token budget of every run (default: train.token_budget)")
    Long budget;

    @Option(names = "--out", paramLabel = "DIR", description = "folder for the runs and report.html (default: runs/compare-<time>)")
    Path out;

    @Option(names = "--no-progress", description = "no live progress line")
    boolean noProgress;

    @Override
    public Integer call() throws Exception {
        RunConfig base = config.load();
        if (budget != null) base = base.with("train.token_budget", budget);
        // What the checks below find is said first; notes (the budget's rounding, the corpus) only if they pass.
        DeferredLog notes = new DeferredLog();
        base = base.with("train.token_budget", EqualTokens.wholeRounds(base.lng("train.token_budget"), EqualTokens.round(base),
                "diloco compare: token budget", notes));
        Path root = out != null ? out : RunDirectory.defaultPath("compare");
        // Every method's configuration, data, device and folder is checked before anything is written.
        RunDirectory.requireFree(root);
        if (new HashSet<>(methods).size() != methods.size()) {
            throw UserError.usage("--methods " + String.join(",", methods) + " names a method twice", "list each once");
        }
        List<RunSetup> setups = new ArrayList<>();
        for (String m : methods) {
            RunConfig cfg = Resolver.resolve(base.with("method", m));
            RunDirectory.requireFree(root.resolve(cfg.str("method")));
            // Every method reads the same corpus: its notes are said once, after all checks passed.
            RunSetup setup = RunSetup.build(cfg, setups.isEmpty() ? notes : line -> { });
            setup.checkInitFrom();
            setups.add(setup);
        }
        notes.flushTo(System.err);
        // Ctrl-C until here ends the process at once: nothing was written yet.
        StopSignal stop = StopSignal.install();
        RunGuard all = RunGuard.create(root);
        Path report = root.resolve("report.html");
        try {
            List<Summary> summaries = new ArrayList<>();
            List<RunDirectory> dirs = new ArrayList<>();
            for (RunSetup setup : setups) {
                String m = setup.config().str("method");
                System.err.println("diloco compare: " + m);
                // The comparison grows as it goes: the methods done so far and the one running.
                TrainJob.Outcome o = runOne(setup, root.resolve(m), new TrainJob.Combined(dirs, report), all, stop);
                if (!o.finished()) {
                    System.err.println("diloco compare: stopped during " + m + "; its checkpoint is in " + o.dir().dir());
                    return ExitCode.INTERRUPTED.code();
                }
                summaries.add(o.summary());
                dirs.add(o.dir());
            }
            Reports.writeCombined(dirs, report);
            System.out.print(table(summaries));
            System.out.println("\nreport: " + report);
            return 0;
        } catch (Exception | Error e) {
            throw all.failed(e);
        } finally {
            stop.done();
        }
    }

    /** One method's run; a failure before its first outer step removes its folder, and the comparison's if nothing else is in it. */
    private TrainJob.Outcome runOne(RunSetup setup, Path dir, TrainJob.Combined combined, RunGuard all, StopSignal stop) throws IOException {
        RunGuard one = RunGuard.create(dir);
        try {
            MetricSink both = m -> {
                one.emit(m);
                all.emit(m);
            };
            TrainJob.Options opts = new TrainJob.Options(!noProgress, System.err, both, combined);
            return new TrainJob(setup, one.dir(), opts, stop.requested()).start();
        } catch (Exception | Error e) {
            RunFailure f = one.failed(e);
            all.abandon();
            throw f;
        }
    }

    static String table(List<Summary> rows) {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "%n%-14s %10s %9s %9s %12s %12s %10s %12s%n", "method", "eval loss", "ppl", "bits/byte",
                "sim time", "bytes sent", "util", "vs DDP"));
        for (Summary s : rows) {
            b.append(String.format(Locale.ROOT, "%-14s %10.4f %9.2f %9s %12s %12s %9.1f%% %12s%n", s.method(), s.finalEvalLoss(),
                    s.finalEvalPpl(), Fmt.bpb(s.finalEvalBpb()), Fmt.seconds(s.simulatedSeconds()), Fmt.bytes(s.bytesTotal()),
                    100 * s.computeUtilization(), Fmt.ratioToDdp(s.ddpBytesEquivalent(), s.bytesTotal())));
        }
        return b.toString();
    }
}
