package org.diloco4j.app.report;

import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.diloco4j.app.run.RunClock;
import org.diloco4j.app.run.RunStart.WorkerProfile;
import org.diloco4j.app.run.RunStart;
import org.diloco4j.app.run.Summary;
import org.diloco4j.core.coord.Metric.Eval;
import org.diloco4j.core.run.Segment;

/** The synthetic run directories under src/test/resources/report (made by make_fixtures.py) and in-memory runs. */
final class Fixtures {
    static final List<String> METHODS = List.of("diloco", "async-naive", "async-dn-dylu");

    private Fixtures() {
    }

    static Path dir(String name) {
        URL url = Fixtures.class.getResource("/report/" + name);
        if (url == null) {
            throw new IllegalStateException("missing test resource report/" + name + "; run make_fixtures.py");
        }
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static RunData run(String name) throws Exception {
        return RunData.read(dir(name));
    }

    static List<RunData> all() throws Exception {
        List<RunData> out = new ArrayList<>();
        for (String m : METHODS) {
            out.add(run(m));
        }
        return out;
    }

    /** A summary with the given method, bytes and ppl; the rest plausible constants. */
    static Summary summary(String method, long bytesUp, long bytesDown, double finalLoss, List<Summary.WorkerStats> stats) {
        return new Summary(method, stats.size(), null, 1_000_000, 10, 100, 1_000_000, 5.5, finalLoss, Math.exp(finalLoss),
                5.5 / Math.log(2), finalLoss / Math.log(2),
                bytesUp, bytesDown, 4_000_000_000L, 600.0, 30.0, 0.8, "token budget reached",
                new TreeMap<>(Map.of(0L, 10L)), stats);
    }

    static Summary.WorkerStats stats(String name) {
        return new Summary.WorkerStats(name, 100, 10, 5, 0.87, 50, 500_000, 1000, 1000);
    }

    /** An in-memory run with evals every 100k tokens and the given segments. */
    static RunData memoryRun(String method, List<String> workers, List<Segment> segments, long bytesPerEval) {
        List<Eval> evals = new ArrayList<>();
        for (int i = 0; i <= 10; i++) {
            long b = bytesPerEval * i;
            double loss = 5.5 - 0.2 * i;
            evals.add(new Eval(100_000L * i, i, loss, loss / Math.log(2), b / 2, b - b / 2, 60.0 * i));
        }
        List<WorkerProfile> profiles = workers.stream()
                .map(w -> new WorkerProfile(w, 0.5, 100, 100, 20, workers.indexOf(w))).toList();
        Metrics m = new Metrics(Optional.of(new RunStart(method, RunClock.SIMULATED, 1_000_000, profiles)), List.of(), List.of(),
                evals, List.of(), segments);
        long total = bytesPerEval * 10;
        return new RunData(Path.of("runs", method), summary(method, total / 2, total - total / 2, 3.5,
                workers.stream().map(Fixtures::stats).toList()), m);
    }

    static Segment seg(String worker, Segment.Kind kind, double start, double end) {
        return new Segment(worker, kind, start, end);
    }
}
