package org.diloco4j.app.report;

import org.diloco4j.core.coord.DecisionKind;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.diloco4j.app.run.RunStart.WorkerProfile;
import org.diloco4j.app.run.Summary;
import org.diloco4j.core.coord.Metric.Decision;
import org.diloco4j.core.run.Segment;

/** The report's HTML tables: runs side by side, one run's workers, one run's decisions. */
final class Tables {
    /** How many decisions the log lists; the rest are only counted. */
    static final int DECISIONS_LISTED = 50;

    private Tables() {
    }

    /** One row per run with its outcome and costs; the best final loss is marked. */
    static String summary(List<RunView> runs) {
        boolean compare = runs.size() > 1;
        double best = runs.stream().mapToDouble(r -> r.summary().finalEvalPpl()).filter(Double::isFinite)
                .min().orElse(Double.NaN);
        StringBuilder b = new StringBuilder("<div class=\"table-wrap\"><table class=\"summary\"><thead><tr>");
        head(b, "run", "");
        head(b, "eval loss", "num");
        head(b, "perplexity", "num");
        head(b, "bits/byte", "num");
        if (compare) {
            head(b, "vs best", "num");
        }
        for (String h : new String[] {"initial loss", "simulated time", "wall time", "tokens", "outer steps",
                "bytes up / down", "vs DDP bytes", "compute util."}) {
            head(b, h, "num");
        }
        head(b, "stop reason", "");
        b.append("</tr></thead><tbody>");
        for (RunView r : runs) {
            Summary s = r.summary();
            boolean isBest = compare && s.finalEvalPpl() == best;
            b.append(isBest ? "<tr class=\"best\">" : "<tr>");
            String dir = RunView.dirName(r.run());
            b.append("<td class=\"run\"><i class=\"dot\" style=\"background:").append(r.color()).append("\"></i><b>")
                    .append(Html.esc(r.label())).append("</b>");
            if (!r.label().contains(dir)) {
                b.append("<div class=\"muted small dir\">").append(Html.esc(dir)).append("</div>");
            }
            b.append("</td>");
            num(b, Fmt.loss(s.finalEvalLoss()));
            num(b, Fmt.ppl(s.finalEvalPpl()));
            num(b, Fmt.bpb(s.finalEvalBpb()));
            if (compare) {
                num(b, isBest ? "best" : Fmt.signedPercent(s.finalEvalPpl() / best - 1));
            }
            num(b, Fmt.loss(s.initialEvalLoss()));
            num(b, Fmt.seconds(s.simulatedSeconds()));
            num(b, Fmt.seconds(s.wallSeconds()));
            num(b, Fmt.tokens(s.tokens()));
            num(b, Fmt.count(s.outerSteps()));
            num(b, Fmt.bytes(s.bytesUp()) + " / " + Fmt.bytes(s.bytesDown()));
            num(b, Fmt.ratioToDdp(s.ddpBytesEquivalent(), s.bytesTotal()));
            num(b, Fmt.percent(s.computeUtilization()));
            b.append("<td class=\"reason\">").append(Html.esc(stopReason(r))).append("</td></tr>");
        }
        return b.append("</tbody></table></div>").toString();
    }

    /** One row per worker: its machine, where its time went, and what it contributed. */
    static String workers(RunView r) {
        StringBuilder b = new StringBuilder("<div class=\"table-wrap\"><table class=\"workers\"><thead><tr>");
        head(b, "worker", "");
        head(b, "machine", "");
        for (Segment.Kind k : Segment.Kind.values()) {
            head(b, k.label(), "num");
        }
        head(b, "time split · utilization", "");
        for (String h : new String[] {"inner steps", "tokens", "bytes up", "bytes down"}) {
            head(b, h, "num");
        }
        b.append("</tr></thead><tbody>");
        for (String w : r.workers()) {
            Summary.WorkerStats st = r.stats(w);
            WorkerProfile prof = r.profile(w);
            b.append("<tr><td><b>").append(Html.esc(w)).append("</b>");
            if (prof != null && prof.shard() >= 0) {
                b.append(" <span class=\"muted small\">shard ").append(prof.shard()).append("</span>");
            }
            b.append("</td><td class=\"muted machine\">")
                    .append(Html.esc(machine(prof))).append("</td>");
            if (st == null) {
                b.append("<td colspan=\"8\" class=\"muted\">").append(r.run().status().finished() ? "not in summary.json"
                        : "totals come with summary.json at the end of the run").append("</td></tr>");
                continue;
            }
            num(b, Fmt.seconds(st.computeSeconds()));
            num(b, Fmt.seconds(st.communicateSeconds()));
            num(b, Fmt.seconds(st.idleSeconds()));
            b.append("<td>").append(split(st)).append("</td>");
            num(b, Fmt.count(st.steps()));
            num(b, Fmt.tokens(st.tokens()));
            num(b, Fmt.bytes(st.bytesUp()));
            num(b, Fmt.bytes(st.bytesDown()));
            b.append("</tr>");
        }
        return b.append("</tbody></table></div>").toString();
    }

    /** Why a run stopped, or that it has not (yet). */
    private static String stopReason(RunView r) {
        return switch (r.run().status()) {
            case FINISHED -> r.summary().stopReason();
            case RUNNING -> "still running";
            case STOPPED -> "stopped with a checkpoint (resumable)";
            case INCOMPLETE -> "not finished: in progress or interrupted";
        };
    }

    /** A stacked bar of compute / communicate / idle time and the utilization figure. */
    private static String split(Summary.WorkerStats st) {
        double total = st.computeSeconds() + st.communicateSeconds() + st.idleSeconds();
        StringBuilder b = new StringBuilder("<div class=\"split\"><div class=\"bar\" title=\"")
                .append(Html.esc("compute " + Fmt.seconds(st.computeSeconds()) + ", communicate "
                        + Fmt.seconds(st.communicateSeconds()) + ", idle " + Fmt.seconds(st.idleSeconds())))
                .append("\">");
        if (total > 0) {
            seg(b, "k-c", st.computeSeconds() / total);
            seg(b, "k-m", st.communicateSeconds() / total);
            seg(b, "k-i", st.idleSeconds() / total);
        }
        return b.append("</div><span class=\"pct\">").append(Fmt.percent(st.utilization())).append("</span></div>")
                .toString();
    }

    private static void seg(StringBuilder b, String cls, double f) {
        if (f > 0) {
            b.append("<i class=\"").append(cls).append("\" style=\"width:")
                    .append(String.format(Locale.ROOT, "%.2f", f * 100)).append("%\"></i>");
        }
    }

    private static String machine(WorkerProfile p) {
        if (p == null) {
            return "";
        }
        StringBuilder s = new StringBuilder();
        if (Double.isFinite(p.secondsPerStep())) {
            s.append(Fmt.trim(p.secondsPerStep(), 3)).append(" s/step");
        }
        if (Double.isFinite(p.upMbps()) && Double.isFinite(p.downMbps())) {
            s.append(s.isEmpty() ? "" : " · ").append(Fmt.trim(p.upMbps(), 1)).append("↑ ")
                    .append(Fmt.trim(p.downMbps(), 1)).append("↓ Mbps");
        }
        if (Double.isFinite(p.latencyMs())) {
            s.append(s.isEmpty() ? "" : " · ").append(Fmt.trim(p.latencyMs(), 1)).append(" ms");
        }
        return s.toString();
    }

    /** Counts by kind, then the first decisions with their reasons ("wait" is counted, not listed). */
    static String decisions(RunView r, boolean open) {
        List<Decision> all = r.run().metrics().decisions();
        Map<String, Integer> counts = new TreeMap<>();
        all.forEach(d -> counts.merge(d.kind().label(), 1, Integer::sum));
        StringBuilder b = new StringBuilder("<div class=\"chips\">");
        if (all.isEmpty()) {
            b.append("<span class=\"muted\">no decisions recorded</span>");
        }
        counts.forEach((k, n) -> b.append("<span class=\"chip kind-").append(Html.esc(k)).append("\">")
                .append(Html.esc(k)).append(" <b>").append(Fmt.count(n)).append("</b></span>"));
        b.append("</div>");
        List<Decision> listed = all.stream().filter(d -> d.kind() != DecisionKind.WAIT).toList();
        if (listed.isEmpty()) {
            return b.toString();
        }
        int shown = Math.min(DECISIONS_LISTED, listed.size());
        b.append("<details class=\"decisions\"").append(open ? " open=\"open\"" : "").append("><summary>")
                .append(shown < listed.size() ? "first " + shown + " of " + Fmt.count(listed.size()) : "all " + shown)
                .append(" decisions").append(counts.containsKey(DecisionKind.WAIT.label()) ? " (wait decisions are only counted)" : "")
                .append("</summary><div class=\"table-wrap\"><table class=\"log\"><thead><tr>");
        head(b, "time", "num");
        head(b, "kind", "");
        head(b, "member", "");
        head(b, "reason", "");
        b.append("</tr></thead><tbody>");
        for (Decision d : listed.subList(0, shown)) {
            String name = r.memberName(d.member());
            b.append("<tr><td class=\"num\">").append(Html.esc(Fmt.seconds(d.time()))).append("</td><td><span class=\"chip kind-")
                    .append(Html.esc(d.kind().label())).append("\">").append(Html.esc(d.kind().label())).append("</span></td><td>")
                    .append(d.member() < 0 ? "" : Html.esc(d.member() + (name == null ? "" : " · " + name)))
                    .append("</td><td class=\"reason\">").append(Html.esc(d.reason())).append("</td></tr>");
        }
        return b.append("</tbody></table></div></details>").toString();
    }

    private static void head(StringBuilder b, String text, String cls) {
        b.append(cls.isEmpty() ? "<th>" : "<th class=\"" + cls + "\">").append(Html.esc(text)).append("</th>");
    }

    private static void num(StringBuilder b, String text) {
        b.append("<td class=\"num\">").append(Html.esc(text)).append("</td>");
    }
}
