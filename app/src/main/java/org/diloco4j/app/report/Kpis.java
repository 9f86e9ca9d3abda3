package org.diloco4j.app.report;

import org.diloco4j.app.run.Summary;

/** The headline figures of a single run, as cards above its tables. */
final class Kpis {
    private Kpis() {
    }

    static String html(RunView v) {
        Summary s = v.summary();
        StringBuilder b = new StringBuilder("<div class=\"kpis\">");
        card(b, v.run().status().finished() ? "final eval loss" : "latest eval loss", Fmt.loss(s.finalEvalLoss()),
                "perplexity " + Fmt.ppl(s.finalEvalPpl()) + " · " + Fmt.bpb(s.finalEvalBpb()) + " bits/byte · from "
                        + Fmt.loss(s.initialEvalLoss()));
        card(b, "tokens", Fmt.tokens(s.tokens()),
                Fmt.count(s.outerSteps()) + " outer · " + Fmt.count(s.innerSteps()) + " inner steps");
        if (s.simulatedSeconds() > 0) {
            card(b, "simulated time", Fmt.seconds(s.simulatedSeconds()), "wall time " + Fmt.seconds(s.wallSeconds()));
        } else {
            card(b, "wall time", Fmt.seconds(s.wallSeconds()), "since the run started");
        }
        String vsDdp = s.bytesTotal() == 0 || s.ddpBytesEquivalent() <= 0
                ? Fmt.ratioToDdp(s.ddpBytesEquivalent(), s.bytesTotal())
                : Fmt.ratioToDdp(s.ddpBytesEquivalent(), s.bytesTotal()) + " than DDP (" + Fmt.bytes(s.ddpBytesEquivalent()) + ")";
        card(b, "bytes communicated", Fmt.bytes(s.bytesTotal()), vsDdp);
        card(b, "compute utilization", Fmt.percent(s.computeUtilization()), s.workers() + " workers");
        return b.append("</div>").toString();
    }

    private static void card(StringBuilder b, String label, String value, String detail) {
        b.append("<div class=\"kpi\"><div class=\"l\">").append(Html.esc(label)).append("</div><div class=\"v\">")
                .append(Html.esc(value)).append("</div><div class=\"d\">").append(Html.esc(detail)).append("</div></div>");
    }
}
