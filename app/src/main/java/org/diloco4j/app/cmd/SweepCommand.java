package org.diloco4j.app.cmd;

import org.diloco4j.app.report.Report;
import org.diloco4j.app.report.RunData;
import org.diloco4j.core.io.AtomicFiles;
import org.diloco4j.app.run.TrainJob;
import org.diloco4j.app.sweep.Sweep;
import org.diloco4j.app.sweep.SweepRun;
import org.diloco4j.app.sweep.SweepSpec;
import org.diloco4j.app.sweep.SweepTable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code diloco sweep}: an experiment over arms and seeds, with every arm tuned the same way first. */
@Command(name = "sweep", mixinStandardHelpOptions = true,
        description = {"Run an experiment: several arms (methods and settings) over several seeds at equal tokens, each arm's",
                "hyper-parameters tuned first over the same grid on a held-out set that is not the reported one.",
                "The table (mean ± sd over seeds) goes to the terminal and DIR/sweep.md; every run is in DIR.",
                "Stopped with Ctrl-C, the same command continues where it stopped. Examples: experiments/*.toml."})
public final class SweepCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "EXPERIMENT.toml", description = "the experiment: a run configuration with a [sweep] table")
    Path spec;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "override one key of the base configuration (repeatable)")
    List<String> sets = new ArrayList<>();

    @Option(names = "--out", paramLabel = "DIR", description = "folder of the experiment (default: runs/sweep-<name>)")
    Path out;

    @Option(names = "--no-progress", description = "no live progress line")
    boolean noProgress;

    private static RunData read(Path dir) {
        try {
            return RunData.read(dir);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Override
    public Integer call() throws Exception {
        SweepSpec s = SweepSpec.load(spec, sets);
        String name = spec.getFileName().toString().replaceFirst("\\.toml$", "");
        Path root = out != null ? out : Path.of("runs", "sweep-" + name);
        StopSignal stop = StopSignal.install();
        try {
            Sweep.Result r = new Sweep(s, root, new TrainJob.Options(!noProgress, System.err), stop.requested(), System.err::println).run();
            if (!r.complete()) {
                System.err.println("diloco sweep: stopped; the same command continues it: ./diloco sweep " + spec + " --out " + root);
                return 130;
            }
            String table = SweepTable.markdown(r);
            AtomicFiles.write(root.resolve("sweep.md"), table.getBytes(StandardCharsets.UTF_8));
            // The report overlays each arm's first reported run; its table gives every arm over all seeds.
            List<RunData> firsts = new ArrayList<>();
            for (String arm : r.chosen().keySet()) {
                r.runs().stream().filter(x -> x.arm().equals(arm) && x.phase() == SweepRun.Phase.REPORT).findFirst()
                        .ifPresent(x -> firsts.add(read(x.dir())));
            }
            Path report = root.resolve("report.html");
            Report.write(firsts, report, new Report.Extra("Over seeds",
                    "every arm tuned the same way, then run with each seed at the same tokens; the curves below are each arm's first seed",
                    SweepTable.html(r)));
            System.out.println(table);
            System.out.println("sweep: " + root.resolve("sweep.md") + " and " + report + ", every run in " + root);
            return 0;
        } finally {
            stop.done();
        }
    }
}
