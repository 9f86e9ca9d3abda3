package org.diloco4j.app.sweep;

import org.diloco4j.app.report.Fmt;
import org.diloco4j.app.report.Html;
import org.diloco4j.app.sweep.SweepRun.Phase;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * The tables of a sweep: the reported runs of each arm as mean ± sample standard deviation over
 * seeds, its held-out loss also as a ratio to the first arm's with the same seed (paired, so that
 * what seeds share cancels), and the tuning runs each arm's setting was chosen from. Written as
 * Markdown (terminal, sweep.md) and as HTML (the sweep's report).
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
            return Double.isNaN(mean) ? "—" : String.format(Locale.ROOT, pattern + " ± " + pattern, mean, sd);
        }
    }

    /** The cells of the reported table, one row per arm, in the order the arms ran. */
    static List<List<String>> reported(Sweep.Result r) {
        Map<String, List<SweepRun>> byArm = new LinkedHashMap<>();
        for (SweepRun run : r.runs()) {
            if (run.phase() == Phase.REPORT) byArm.computeIfAbsent(run.arm(), k -> new ArrayList<>()).add(run);
        }
        String first = byArm.keySet().stream().findFirst().orElse("");
        List<List<String>> rows = new ArrayList<>();
        rows.add(List.of("arm", "tuned setting", "seeds", "held-out loss", "vs " + first + " (paired)", "bits per byte", "tokens",
                "simulated time", "bytes sent", "fewer bytes than DDP", "compute utilization"));
        for (Map.Entry<String, List<SweepRun>> e : byArm.entrySet()) {
            List<SweepRun> runs = e.getValue();
            List<Double> ratios = new ArrayList<>();
            for (SweepRun run : runs) {
                byArm.get(first).stream().filter(x -> x.seed() == run.seed()).findFirst().ifPresent(ref -> ratios.add(run.loss() / ref.loss()));
            }
            Spread ratio = Spread.of(ratios);
            long bytes = (long) of(runs, run -> run.bytes()).mean();
            rows.add(List.of(e.getKey(), SweepRun.label(r.chosen().getOrDefault(e.getKey(), Map.of())), Integer.toString(runs.size()),
                    of(runs, SweepRun::loss).format("%.4f"),
                    e.getKey().equals(first) ? "1" : String.format(Locale.ROOT, "%+.2f %% ± %.2f", 100 * (ratio.mean() - 1), 100 * ratio.sd()),
                    of(runs, SweepRun::bpb).format("%.4f"),
                    Fmt.tokens((long) of(runs, run -> run.tokens()).mean()),
                    Fmt.seconds(of(runs, SweepRun::simulatedSeconds).mean()),
                    Fmt.bytes(bytes),
                    Fmt.ratioToDdp((long) of(runs, run -> run.ddpBytes()).mean(), bytes),
                    String.format(Locale.ROOT, "%.1f %%", 100 * of(runs, SweepRun::utilization).mean())));
        }
        return rows;
    }

    /** The cells of the tuning table: every setting an arm tried, its mean tuning loss, the chosen one marked. */
    static List<List<String>> tuning(Sweep.Result r) {
        Map<String, Map<String, List<Double>>> byArm = new LinkedHashMap<>();
        for (SweepRun run : r.runs()) {
            if (run.phase() != Phase.TUNE) continue;
            byArm.computeIfAbsent(run.arm(), k -> new LinkedHashMap<>()).computeIfAbsent(SweepRun.label(run.setting()), k -> new ArrayList<>())
                    .add(run.loss());
        }
        List<List<String>> rows = new ArrayList<>();
        rows.add(List.of("arm", "setting", "tuning loss"));
        for (Map.Entry<String, Map<String, List<Double>>> a : byArm.entrySet()) {
            String chosen = SweepRun.label(r.chosen().getOrDefault(a.getKey(), Map.of()));
            for (Map.Entry<String, List<Double>> s : a.getValue().entrySet()) {
                rows.add(List.of(a.getKey(), s.getKey() + (s.getKey().equals(chosen) ? " *" : ""),
                        String.format(Locale.ROOT, "%.4f", Spread.of(s.getValue()).mean())));
            }
        }
        return rows;
    }

    public static String markdown(Sweep.Result r) {
        return String.format(Locale.ROOT, "Reported runs: %s tokens each, held-out loss on the validation set, mean ± sd over seeds.%n%n%s"
                        + "%nTuning runs: %s tokens each, held-out loss on the tuning set (mean over tuning seeds); * = chosen.%n%n%s",
                Fmt.tokens(r.budget()), markdown(reported(r)), Fmt.tokens(r.tuneBudget()), markdown(tuning(r)));
    }

    /** Both tables as HTML, for the sweep's report. */
    public static String html(Sweep.Result r) {
        return html(reported(r)) + "<p class=\"card-sub\">tuning runs: " + Html.esc(Fmt.tokens(r.tuneBudget()))
                + " tokens each, scored on the tuning set; * = chosen</p>" + html(tuning(r));
    }

    private static String markdown(List<List<String>> rows) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < rows.size(); i++) {
            b.append("| ").append(String.join(" | ", rows.get(i))).append(" |\n");
            if (i == 0) {
                b.append("|---|");
                for (int c = 1; c < rows.get(0).size(); c++) b.append(c < 2 ? "---|" : "---:|");
                b.append('\n');
            }
        }
        return b.toString();
    }

    private static String html(List<List<String>> rows) {
        StringBuilder b = new StringBuilder("<div class=\"table-wrap\"><table class=\"summary\"><thead><tr>");
        for (String h : rows.get(0)) b.append("<th>").append(Html.esc(h)).append("</th>");
        b.append("</tr></thead><tbody>");
        for (List<String> row : rows.subList(1, rows.size())) {
            b.append("<tr>");
            for (String cell : row) b.append("<td>").append(Html.esc(cell)).append("</td>");
            b.append("</tr>");
        }
        return b.append("</tbody></table></div>").toString();
    }

    private static Spread of(List<SweepRun> runs, ToDoubleFunction<SweepRun> f) {
        List<Double> xs = new ArrayList<>();
        for (SweepRun r : runs) if (!Double.isNaN(f.applyAsDouble(r))) xs.add(f.applyAsDouble(r));
        return Spread.of(xs);
    }
}
