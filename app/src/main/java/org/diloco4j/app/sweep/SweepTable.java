package org.diloco4j.app.sweep;

import org.diloco4j.app.report.Fmt;
import org.diloco4j.app.sweep.SweepRun.Phase;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * The tables of a sweep, in Markdown: the reported runs of each arm as mean ± sample standard
 * deviation over seeds, its held-out loss also as a ratio to the first arm's with the same seed
 * (paired, so that what seeds share cancels), and the tuning runs each arm's setting was chosen from.
 */
public final class SweepTable {
    private SweepTable() {
    }

    /** Mean and sample standard deviation (0 for one value). */
    record Spread(double mean, double sd, int n) {
        static Spread of(List<Double> xs) {
            double m = xs.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
            double ss = 0;
            for (double x : xs) ss += (x - m) * (x - m);
            return new Spread(m, xs.size() > 1 ? Math.sqrt(ss / (xs.size() - 1)) : 0, xs.size());
        }

        String format(String pattern) {
            return String.format(Locale.ROOT, pattern + " ± " + pattern, mean, sd);
        }
    }

    public static String markdown(Sweep.Result r) {
        Map<String, List<SweepRun>> byArm = new LinkedHashMap<>();
        for (SweepRun run : r.runs()) {
            if (run.phase() == Phase.REPORT) byArm.computeIfAbsent(run.arm(), k -> new ArrayList<>()).add(run);
        }
        StringBuilder b = new StringBuilder();
        String first = byArm.keySet().stream().findFirst().orElse(null);
        b.append(String.format(Locale.ROOT, "Reported runs: %s tokens each, held-out loss on the reported held-out set, mean ± sd over seeds.%n%n",
                Fmt.tokens(r.budget())));
        b.append("| arm | tuned setting | seeds | held-out loss | vs ").append(first).append(" (paired) | bits per byte | tokens | simulated time | bytes sent | fewer bytes than DDP | compute utilization |\n");
        b.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Map.Entry<String, List<SweepRun>> e : byArm.entrySet()) {
            List<SweepRun> runs = e.getValue();
            List<Double> ratios = new ArrayList<>();
            for (SweepRun run : runs) {
                SweepRun ref = byArm.get(first).stream().filter(x -> x.seed() == run.seed()).findFirst().orElse(null);
                if (ref != null) ratios.add(run.loss() / ref.loss());
            }
            Spread ratio = Spread.of(ratios);
            b.append(String.format(Locale.ROOT, "| %s | %s | %d | %s | %s | %s | %s | %s | %s | %s | %s |%n", e.getKey(),
                    SweepRun.label(r.chosen().getOrDefault(e.getKey(), Map.of())), runs.size(),
                    of(runs, SweepRun::loss).format("%.4f"),
                    e.getKey().equals(first) ? "1" : String.format(Locale.ROOT, "%+.2f %% ± %.2f", 100 * (ratio.mean() - 1), 100 * ratio.sd()),
                    Double.isNaN(runs.get(0).bpb()) ? "—" : of(runs, SweepRun::bpb).format("%.4f"),
                    Fmt.tokens((long) of(runs, run -> run.tokens()).mean()),
                    Fmt.seconds(of(runs, SweepRun::simulatedSeconds).mean()),
                    Fmt.bytes((long) of(runs, run -> run.bytes()).mean()),
                    Fmt.ratioToDdp((long) of(runs, run -> run.ddpBytes()).mean(), (long) of(runs, run -> run.bytes()).mean()),
                    String.format(Locale.ROOT, "%.1f %%", 100 * of(runs, SweepRun::utilization).mean())));
        }
        b.append(String.format(Locale.ROOT, "%nTuning runs: %s tokens each, held-out loss on the tuning held-out set (mean over tuning seeds); * = chosen.%n%n",
                Fmt.tokens(r.tuneBudget())));
        b.append("| arm | setting | tuning loss |\n|---|---|---:|\n");
        Map<String, Map<String, List<Double>>> tuning = new LinkedHashMap<>();
        for (SweepRun run : r.runs()) {
            if (run.phase() != Phase.TUNE) continue;
            tuning.computeIfAbsent(run.arm(), k -> new LinkedHashMap<>()).computeIfAbsent(SweepRun.label(run.setting()), k -> new ArrayList<>())
                    .add(run.loss());
        }
        for (Map.Entry<String, Map<String, List<Double>>> a : tuning.entrySet()) {
            String chosen = SweepRun.label(r.chosen().getOrDefault(a.getKey(), Map.of()));
            for (Map.Entry<String, List<Double>> s : a.getValue().entrySet()) {
                b.append(String.format(Locale.ROOT, "| %s | %s%s | %.4f |%n", a.getKey(), s.getKey(), s.getKey().equals(chosen) ? " *" : "",
                        Spread.of(s.getValue()).mean()));
            }
        }
        return b.toString();
    }

    private static Spread of(List<SweepRun> runs, ToDoubleFunction<SweepRun> f) {
        List<Double> xs = new ArrayList<>();
        for (SweepRun r : runs) xs.add(f.applyAsDouble(r));
        return Spread.of(xs);
    }
}
