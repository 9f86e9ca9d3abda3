package org.diloco4j.app.cmd;

import java.util.Locale;
import org.diloco4j.app.report.Fmt;
import org.diloco4j.app.run.RunDirectory;
import org.diloco4j.app.run.Summary;

/** The lines a finished run prints, simulated ({@code train}) or networked ({@code coordinator}). */
final class SummaryLines {
    private SummaryLines() {
    }

    static void print(Summary s, RunDirectory dir, boolean networked) {
        Locale l = Locale.ROOT;
        System.out.printf(l, "%nmethod              %s%s%n", s.method(), networked ? " (networked, " + s.workers() + " workers)" : "");
        System.out.printf(l, "held-out loss       %.4f → %.4f   (perplexity %.2f → %.2f)%n", s.initialEvalLoss(), s.finalEvalLoss(),
                Math.exp(s.initialEvalLoss()), s.finalEvalPpl());
        System.out.printf(l, "bits per byte       %s → %s   (held-out; compares across tokenizers)%n", Fmt.bpb(s.initialEvalBpb()),
                Fmt.bpb(s.finalEvalBpb()));
        System.out.printf(l, "tokens              %s in %d outer steps, %d inner steps%n", Fmt.tokens(s.tokens()), s.outerSteps(), s.innerSteps());
        if (networked) System.out.printf(l, "wall time           %s%n", Fmt.seconds(s.wallSeconds()));
        else System.out.printf(l, "simulated time      %s   (real %s)%n", Fmt.seconds(s.simulatedSeconds()), Fmt.seconds(s.wallSeconds()));
        System.out.printf(l, "bytes sent          %s up, %s down; data-parallel would move %s (%s)%n", Fmt.bytes(s.bytesUp()),
                Fmt.bytes(s.bytesDown()), Fmt.bytes(s.ddpBytesEquivalent()), Fmt.ratioToDdp(s.ddpBytesEquivalent(), s.bytesTotal()));
        System.out.printf(l, "compute utilization %.1f%%%s%n", 100 * s.computeUtilization(), networked ? " (as the workers measured it)" : "");
        System.out.printf(l, "stopped             %s%n", s.stopReason());
        System.out.printf(l, "run directory       %s   (report: %s)%n", dir.dir(), dir.report());
    }
}
