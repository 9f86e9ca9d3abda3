package org.diloco4j.app.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.diloco4j.app.run.Summary;
import org.diloco4j.core.io.AtomicFiles;

/**
 * The self-contained HTML report of one run ({@code report.html} of a run directory) or of several
 * ({@code diloco compare}): inline CSS and SVG, no scripts needed, no network access.
 */
public final class Report {
    private Report() {
    }

    /**
     * A section a caller adds at the top of a report (a sweep's table over seeds).
     *
     * @param html trusted markup, escaped by whoever built it
     */
    public record Extra(String title, String sub, String html) {
    }

    /** Writes the report of {@code runs} to {@code out} atomically (a temp file renamed over it). */
    public static void write(List<RunData> runs, Path out) throws IOException {
        write(runs, out, null);
    }

    /** As {@link #write(List, Path)}, with {@code extra} (may be null) before the runs' own tables. */
    public static void write(List<RunData> runs, Path out, Extra extra) throws IOException {
        Path abs = out.toAbsolutePath();
        Files.createDirectories(abs.getParent());
        AtomicFiles.write(abs, render(runs, extra).getBytes(StandardCharsets.UTF_8));
    }

    /** The report page: a single run's report for one run, a comparison for several. */
    public static String render(List<RunData> runs) {
        return render(runs, null);
    }

    private static String render(List<RunData> runs, Extra extra) {
        if (runs.isEmpty()) {
            throw new IllegalArgumentException("a report needs at least one run, got none");
        }
        List<RunView> views = RunView.of(runs);
        boolean compare = views.size() > 1;
        StringBuilder b = new StringBuilder(64 * 1024);
        String title = compare
                ? "Comparison of " + views.size() + " runs"
                : views.get(0).label();
        b.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"/>")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>")
                .append(Banner.refresh(views) ? "<meta http-equiv=\"refresh\" content=\"" + Banner.REFRESH_SECONDS + "\"/>" : "")
                .append("<title>diloco4j · ").append(Html.esc(title)).append("</title><style>")
                .append(Styles.CSS).append("</style></head><body>");
        header(b, views, title);
        b.append("<main>").append(Banner.html(views));
        if (extra != null) section(b, extra.title(), extra.sub(), extra.html());
        if (!compare) {
            b.append(Kpis.html(views.get(0)));
        }
        section(b, compare ? "Runs" : "Summary", compare
                ? "final held-out loss and what it cost; the best final perplexity is highlighted"
                : "final held-out loss and what it cost", Tables.summary(views));
        b.append("<section class=\"card compare-charts\"><h2>Held-out loss</h2>")
                .append("<p class=\"card-sub\">click a legend entry to hide or show a run</p><div class=\"grid2\">")
                .append(Charts.evalVsTokens(views)).append(Charts.evalVsTime(views)).append(Charts.evalVsBytes(views));
        if (Charts.zoomUseful(views)) {
            b.append(Charts.evalZoom(views));
        }
        b.append("</div></section>");
        if (compare) {
            timelines(b, views);
            for (RunView v : views) {
                runDetails(b, v, false);
            }
        } else {
            RunView v = views.get(0);
            b.append("<section class=\"card\">").append(Charts.trainLoss(v));
            if (Charts.hasOptimizerFigures(v)) {
                b.append("<div class=\"grid2 under\">").append(Charts.learningRate(v)).append(Charts.throughput(v))
                        .append(Charts.gradNorm(v)).append("</div>");
            }
            b.append("</section>");
            boolean pending = !v.run().status().finished() && v.spans().isEmpty() && v.summary().simulatedSeconds() > 0;
            section(b, "Worker timeline", pending ? "a simulated run writes its timeline when it ends"
                            : "what each worker was doing over the run; hover for times",
                    Timeline.legendHtml(v.anyOverlap())
                            + Timeline.svg("worker timeline of " + v.label(), v.timelineRows(), v.endTime(), false));
            runDetails(b, v, true);
        }
        b.append("</main><footer>diloco4j report · a self-contained page: no network access needed · "
                + "bytes in decimal units (1 MB = 10<sup>6</sup> bytes) · hover over chart points for values</footer>");
        b.append("<script>").append(Styles.SCRIPT).append("</script></body></html>\n");
        return b.toString();
    }

    private static void header(StringBuilder b, List<RunView> views, String title) {
        Set<String> methods = views.stream().map(v -> v.summary().method()).collect(Collectors.toCollection(LinkedHashSet::new));
        Set<String> workers = new LinkedHashSet<>();
        views.forEach(v -> workers.addAll(v.workers()));
        Set<String> sizes = views.stream().map(v -> Fmt.params(v.modelParams()))
                .collect(Collectors.toCollection(LinkedHashSet::new));
        Set<Integer> counts = views.stream().map(v -> v.summary().workers())
                .collect(Collectors.toCollection(LinkedHashSet::new));
        b.append("<header class=\"top\"><div class=\"inner\"><div class=\"brand\">diloco4j ")
                .append(views.size() > 1 ? "comparison report" : "run report").append("</div><h1>")
                .append(Html.esc(title)).append("</h1><div class=\"meta\">");
        meta(b, methods.size() > 1 ? "methods" : "method", String.join(", ", methods));
        meta(b, "workers", counts.stream().map(String::valueOf).collect(Collectors.joining(" / "))
                + (workers.isEmpty() ? "" : " (" + String.join(", ", workers) + ")"));
        meta(b, "model", String.join(" / ", sizes) + " parameters");
        meta(b, views.size() > 1 ? "run directories" : "run directory",
                views.stream().map(RunView::folder).collect(Collectors.joining(", ")));
        b.append("</div></div></header>");
    }

    private static void meta(StringBuilder b, String key, String value) {
        b.append("<span>").append(Html.esc(key)).append(": <b>").append(Html.esc(value)).append("</b></span>");
    }

    private static void section(StringBuilder b, String title, String sub, String body) {
        b.append("<section class=\"card\"><h2>").append(Html.esc(title)).append("</h2><p class=\"card-sub\">")
                .append(Html.esc(sub)).append("</p>").append(body).append("</section>");
    }

    /** One small timeline per run on a shared time axis, so their lengths compare directly. */
    private static void timelines(StringBuilder b, List<RunView> views) {
        double end = views.stream().mapToDouble(RunView::endTime).max().orElse(0);
        boolean overlap = views.stream().anyMatch(RunView::anyOverlap);
        b.append("<section class=\"card\"><h2>Worker timelines</h2><p class=\"card-sub\">")
                .append("one row per worker, all runs on the same time axis; hover for times</p>")
                .append(Timeline.legendHtml(overlap));
        for (RunView v : views) {
            b.append("<div class=\"tl-run\"><h3><i class=\"dot\" style=\"background:").append(v.color())
                    .append("\"></i>").append(Html.esc(v.label())).append(" <span class=\"muted small\">")
                    .append(Html.esc(Fmt.seconds(v.endTime()) + " · compute utilization "
                            + Fmt.percent(v.summary().computeUtilization())))
                    .append("</span></h3>")
                    .append(Timeline.svg("worker timeline of " + v.label(), v.timelineRows(), end, true))
                    .append("</div>");
        }
        b.append("</section>");
    }

    private static void runDetails(StringBuilder b, RunView v, boolean single) {
        b.append("<section class=\"card run-details\"><h2>");
        if (!single) {
            b.append("<i class=\"dot\" style=\"background:").append(v.color()).append("\"></i>");
        }
        b.append(Html.esc(single ? "Workers" : v.label())).append("</h2><p class=\"card-sub\">")
                .append(single ? "where each worker's time went and what it contributed"
                        : "workers, staleness and decisions of this run")
                .append("</p>").append(Tables.workers(v)).append("<div class=\"side\">");
        if (v.isAsync()) {
            b.append("<figure class=\"chart\"><figcaption><h3>Staleness</h3><p class=\"sub\">")
                    .append("outer steps between a worker's fetch of the global model and the application of its ")
                    .append("pseudo-gradient</p></figcaption>")
                    .append(BarChart.svg("staleness histogram of " + v.label(), v.summary().stalenessHistogram(),
                            v.color(), "staleness", "pseudo-gradients"))
                    .append("</figure>");
        }
        b.append("<div><h3>Decisions</h3>").append(Tables.decisions(v, single)).append("</div></div>");
        b.append(Samples.html(v));
        if (!v.run().config().isBlank()) {
            b.append("<details class=\"config\"><summary>configuration (config.toml): repeat this run with ")
                    .append("<code>diloco train --config ").append(Html.esc(RunView.dirName(v.run())))
                    .append("/config.toml</code></summary><pre>").append(Html.esc(v.run().config())).append("</pre></details>");
        }
        b.append("</section>");
    }
}
