package org.diloco4j.app.report;

import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import org.diloco4j.app.run.Summary;

/** The notice at the top of a report of runs that have not finished: how far they got and what that means. */
final class Banner {
    /** How often a page of a running run reloads itself (the writer rewrites it about as often). */
    static final int REFRESH_SECONDS = 30;

    private Banner() {
    }

    /** Whether a page of these runs should reload itself: one of them is still running. */
    static boolean refresh(List<RunView> views) {
        return views.stream().anyMatch(v -> v.run().status() == RunStatus.RUNNING);
    }

    /** The banners of the runs that have not finished; empty when all have. */
    static String html(List<RunView> views) {
        StringBuilder b = new StringBuilder();
        for (RunView v : views) {
            RunStatus status = v.run().status();
            if (status.finished()) {
                continue;
            }
            b.append("<div class=\"banner status-").append(status.name().toLowerCase(java.util.Locale.ROOT)).append("\"><b>");
            if (views.size() > 1) {
                b.append(Html.esc(v.label())).append(": ");
            }
            b.append(Html.esc(headline(status))).append("</b> ").append(Html.esc(detail(v, status))).append("</div>");
        }
        return b.toString();
    }

    private static String headline(RunStatus s) {
        return switch (s) {
            case RUNNING -> "Run in progress.";
            case STOPPED -> "Run stopped with a checkpoint.";
            case INCOMPLETE -> "Run in progress or interrupted.";
            case FINISHED -> "";
        };
    }

    private static String detail(RunView v, RunStatus s) {
        Summary sum = v.summary();
        boolean simulated = sum.simulatedSeconds() > 0;
        String where = "Outer step " + Fmt.count(sum.outerSteps()) + ", " + Fmt.tokens(sum.tokens()) + " tokens, "
                + Fmt.seconds(simulated ? sum.simulatedSeconds() : sum.wallSeconds()) + (simulated ? " of simulated time" : " since the start")
                + ".";
        String dir = RunView.dirName(v.run());
        return switch (s) {
            case RUNNING -> where + " This page was written at " + LocalTime.now().format(DateTimeFormatter.ofPattern("HH:mm:ss"))
                    + " and is rewritten while the run goes on; it reloads itself every " + REFRESH_SECONDS + " s.";
            // A networked run's default --out is a new folder each time: the same command without it would start afresh.
            case STOPPED -> where + (simulated ? " Continue it with: diloco train --resume " + dir + "."
                    : " Continue it by starting the coordinator again with --out " + dir + " (or the --checkpoint-dir it had).");
            case INCOMPLETE -> where + " There is no summary.json yet: the run is still going, or was stopped or killed here."
                    + " The figures are those of metrics.jsonl so far; per-worker totals come at the end of a run.";
            case FINISHED -> "";
        };
    }
}
