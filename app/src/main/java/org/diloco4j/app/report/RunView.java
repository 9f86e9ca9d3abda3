package org.diloco4j.app.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.diloco4j.app.report.Segments.Span;
import org.diloco4j.app.run.RunStart.WorkerProfile;
import org.diloco4j.app.run.RunStart;
import org.diloco4j.app.run.Summary;
import org.diloco4j.core.coord.Metric.Eval;
import org.diloco4j.core.run.Segment;

/** What the report derives from one run: its label, colour, workers in order, merged segments. */
final class RunView {
    private final RunData run;
    private final int index;
    private final String label;
    /** The run's folder as the report names it: its own name, or parent/name where names repeat. */
    private final String folder;
    private final Map<String, List<Span>> spans;
    private final List<String> workers;

    RunView(RunData run, int index, String label, String folder) {
        this.run = run;
        this.index = index;
        this.label = label;
        this.folder = folder;
        this.spans = Segments.mergeByWorker(run.metrics().segments());
        Set<String> names = new LinkedHashSet<>();
        run.metrics().runStart().ifPresent(rs -> rs.workers().forEach(w -> names.add(w.name())));
        run.summary().workerStats().forEach(w -> names.add(w.name()));
        names.addAll(spans.keySet());
        this.workers = List.copyOf(names);
    }

    /**
     * Views of several runs; labels are the methods, with the directory name added where methods
     * repeat — and its parent's too where directory names repeat as well (a sweep's arm/seed1).
     */
    static List<RunView> of(List<RunData> runs) {
        Map<String, Integer> seen = new LinkedHashMap<>();
        Map<String, Integer> dirs = new LinkedHashMap<>();
        runs.forEach(r -> seen.merge(r.method(), 1, Integer::sum));
        runs.forEach(r -> dirs.merge(dirName(r), 1, Integer::sum));
        List<RunView> out = new ArrayList<>();
        for (int i = 0; i < runs.size(); i++) {
            RunData r = runs.get(i);
            String dir = dirs.get(dirName(r)) > 1 ? parentName(r) + "/" + dirName(r) : dirName(r);
            String label = seen.get(r.method()) > 1 ? r.method() + " (" + dir + ")" : r.method();
            out.add(new RunView(r, i, label, dir));
        }
        return out;
    }

    private static String parentName(RunData r) {
        var parent = r.dir().toAbsolutePath().normalize().getParent();
        return parent == null || parent.getFileName() == null ? "" : parent.getFileName().toString();
    }

    static String dirName(RunData r) {
        var name = r.dir().toAbsolutePath().normalize().getFileName();
        return name == null ? r.dir().toString() : name.toString();
    }

    RunData run() {
        return run;
    }

    Summary summary() {
        return run.summary();
    }

    String folder() {
        return folder;
    }

    String label() {
        return label;
    }

    /** The key of this run's series in every chart. */
    String seriesId() {
        return "run" + index;
    }

    String color() {
        return Palette.color(index);
    }

    Palette.Marker marker() {
        return Palette.marker(index);
    }

    List<String> workers() {
        return workers;
    }

    Map<String, List<Span>> spans() {
        return spans;
    }

    List<Eval> evals() {
        return run.metrics().evals();
    }

    /** Staleness only exists where pseudo-gradients are applied as they arrive. */
    boolean isAsync() {
        return summary().method().toLowerCase(java.util.Locale.ROOT).contains("async")
                || summary().stalenessHistogram().keySet().stream().anyMatch(k -> k > 0);
    }

    WorkerProfile profile(String worker) {
        return run.metrics().runStart().flatMap(rs -> rs.workers().stream()
                .filter(w -> w.name().equals(worker)).findFirst()).orElse(null);
    }

    Summary.WorkerStats stats(String worker) {
        return summary().workerStats().stream().filter(w -> w.name().equals(worker)).findFirst().orElse(null);
    }

    /** The name of member {@code i} (decisions name members by index), or null. */
    String memberName(int i) {
        List<WorkerProfile> ws = run.metrics().runStart().map(RunStart::workers).orElse(List.of());
        if (i >= 0 && i < ws.size()) {
            return ws.get(i).name();
        }
        return i >= 0 && i < summary().workerStats().size() ? summary().workerStats().get(i).name() : null;
    }

    /** Model size: from the summary, else from run_start. */
    long modelParams() {
        if (summary().modelParams() > 0) {
            return summary().modelParams();
        }
        return run.metrics().runStart().map(RunStart::modelParams).orElse(-1L);
    }

    /** The last moment anything happened: the right end of this run's time axes. */
    double endTime() {
        double t = 0;
        for (List<Span> l : spans.values()) {
            for (Span s : l) {
                t = Math.max(t, s.end());
            }
        }
        Metrics m = run.metrics();
        for (Eval e : m.evals()) {
            t = Math.max(t, e.time());
        }
        if (!m.outerSteps().isEmpty()) {
            t = Math.max(t, m.outerSteps().get(m.outerSteps().size() - 1).time());
        }
        return t;
    }

    /** The timeline rows of this run. */
    List<Timeline.Row> timelineRows() {
        List<Timeline.Row> rows = new ArrayList<>();
        for (String w : workers) {
            List<Span> s = spans.getOrDefault(w, List.of());
            WorkerProfile p = profile(w);
            String detail = p != null && Double.isFinite(p.secondsPerStep()) ? Fmt.trim(p.secondsPerStep(), 3) + " s/step" : "";
            Summary.WorkerStats st = stats(w);
            double util = st != null ? st.utilization() : computedUtilization(s);
            rows.add(new Timeline.Row(w, detail, s, util));
        }
        return rows;
    }

    boolean anyOverlap() {
        return spans.values().stream().anyMatch(l -> !Segments.lanes(l).overlapped().isEmpty());
    }

    private static double computedUtilization(List<Span> spans) {
        var t = Segments.totals(spans);
        double total = t.values().stream().mapToDouble(Double::doubleValue).sum();
        return total > 0 ? t.get(Segment.Kind.COMPUTE) / total : Double.NaN;
    }
}
