package org.diloco4j.app.cmd;

import org.diloco4j.app.config.Resolver;
import org.diloco4j.app.config.RunConfig;
import org.diloco4j.app.report.Fmt;
import org.diloco4j.app.run.Reports;
import org.diloco4j.app.run.RunDirectory;
import org.diloco4j.app.run.RunSetup;
import org.diloco4j.app.run.Summary;
import org.diloco4j.app.run.TrainJob;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
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
        Path root = out != null ? out : RunDirectory.defaultPath("compare");
        List<RunConfig> configs = new ArrayList<>();
        for (String m : methods) configs.add(Resolver.resolve(base.with("method", m)));
        StopSignal stop = StopSignal.install();
        List<Summary> summaries = new ArrayList<>();
        List<RunDirectory> dirs = new ArrayList<>();
        Path report = root.resolve("report.html");
        try {
            for (RunConfig cfg : configs) {
                String m = cfg.str("method");
                System.err.println("diloco compare: " + m);
                RunDirectory rd = RunDirectory.create(root.resolve(m));
                // The comparison grows as it goes: the methods done so far and the one running.
                TrainJob.Options opts = new TrainJob.Options(!noProgress, System.err, null, new TrainJob.Combined(dirs, report));
                TrainJob.Outcome o = new TrainJob(RunSetup.build(cfg, System.err::println), rd, opts, stop.requested()).start();
                if (!o.finished()) {
                    System.err.println("diloco compare: stopped during " + m + "; its checkpoint is in " + rd.dir());
                    return 130;
                }
                summaries.add(o.summary());
                dirs.add(rd);
            }
            Reports.writeCombined(dirs, report);
            System.out.print(table(summaries));
            System.out.println("\nreport: " + report);
            return 0;
        } finally {
            stop.done();
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
