package org.diloco4j.app.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import org.diloco4j.app.report.Metrics.EvalPoint;
import org.diloco4j.app.report.Metrics.TrainLoss;

/** The report's line charts, built from run views: one series per run (or per worker). */
final class Charts {
    /** Train-loss points per worker after bucketing; enough for a 580-px chart. */
    static final int TRAIN_BUCKETS = 400;

    private Charts() {
    }

    static String evalVsTokens(List<RunView> runs) {
        LineChart c = new LineChart("eval-tokens", "Held-out loss vs tokens")
                .subtitle("global model on the held-out set; tokens summed over all workers")
                .x("tokens trained", Quantity.TOKENS, false, true).y("eval loss", Quantity.LOSS);
        evalSeries(runs, c, e -> e.tokens(), null);
        return c.html();
    }

    static String evalVsTime(List<RunView> runs) {
        boolean simulated = runs.stream().allMatch(r -> r.summary().simulatedSeconds() > 0);
        LineChart c = new LineChart("eval-time", "Held-out loss vs " + (simulated ? "simulated wall-clock time" : "time"))
                .subtitle(simulated ? "time on the simulated machines and links" : "seconds since the run started")
                .x(simulated ? "simulated time" : "time", Quantity.SECONDS, false, true).y("eval loss", Quantity.LOSS);
        evalSeries(runs, c, EvalPoint::time, null);
        return c.html();
    }

    static String evalVsBytes(List<RunView> runs) {
        LineChart c = new LineChart("eval-bytes", "Held-out loss vs bytes communicated")
                .subtitle("cumulative bytes up + down over all workers, log scale")
                .x("bytes communicated", Quantity.BYTES, true, false).y("eval loss", Quantity.LOSS);
        evalSeries(runs, c, e -> e.bytesTotal(), "no communication");
        double ddp = runs.stream().mapToDouble(r -> r.summary().ddpBytesEquivalent()).max().orElse(0);
        if (ddp > 0) {
            c.rule(ddp, "data-parallel, same tokens: " + Fmt.bytes(ddp));
        }
        return c.html();
    }

    /** The second half of training with the y axis fitted to it: where methods actually differ. */
    static String evalZoom(List<RunView> runs) {
        double maxTokens = runs.stream().flatMap(r -> r.evals().stream()).mapToDouble(EvalPoint::tokens).max().orElse(0);
        LineChart c = new LineChart("eval-zoom", "Held-out loss, second half of training")
                .subtitle("zoomed: tokens ≥ " + Fmt.tokens(maxTokens / 2) + ", y axis fitted to this range")
                .x("tokens trained", Quantity.TOKENS, false, false).y("eval loss", Quantity.LOSS)
                .xFrom(maxTokens / 2);
        evalSeries(runs, c, e -> e.tokens(), null);
        return c.html();
    }

    /** Whether {@link #evalZoom} has enough to show (a few evaluations in the second half). */
    static boolean zoomUseful(List<RunView> runs) {
        double maxTokens = runs.stream().flatMap(r -> r.evals().stream()).mapToDouble(EvalPoint::tokens).max().orElse(0);
        return maxTokens > 0 && runs.stream().anyMatch(r -> r.evals().stream()
                .filter(e -> e.tokens() >= maxTokens / 2 && Double.isFinite(e.loss())).count() >= 3);
    }

    private static void evalSeries(List<RunView> runs, LineChart c, ToDoubleFunction<EvalPoint> x, String note) {
        for (RunView r : runs) {
            List<EvalPoint> ev = r.evals();
            double[] xs = new double[ev.size()];
            double[] ys = new double[ev.size()];
            for (int i = 0; i < ev.size(); i++) {
                xs[i] = x.applyAsDouble(ev.get(i));
                ys[i] = ev.get(i).loss();
            }
            c.add(new Series(r.seriesId(), r.label(), r.color(), r.marker(), xs, ys, false,
                    ev.isEmpty() ? "no evaluations" : note));
        }
    }

    /** Each worker's training loss over time (bucketed means), with the global eval loss for reference. */
    static String trainLoss(RunView r) {
        boolean simulated = r.summary().simulatedSeconds() > 0;
        LineChart c = new LineChart("train-loss", "Training loss per worker").width(LineChart.WIDE)
                .subtitle("each worker's loss on its own shard, mean per time bucket; dashed: global model, held out")
                .x(simulated ? "simulated time" : "time", Quantity.SECONDS, false, true).y("loss", Quantity.LOSS);
        Map<String, List<TrainLoss>> byWorker = new LinkedHashMap<>();
        r.workers().forEach(w -> byWorker.put(w, new ArrayList<>()));
        for (TrainLoss t : r.run().metrics().trainLosses()) {
            byWorker.computeIfAbsent(t.worker(), w -> new ArrayList<>()).add(t);
        }
        double end = r.endTime();
        int i = 0;
        for (Map.Entry<String, List<TrainLoss>> e : byWorker.entrySet()) {
            double[][] pts = bucketMeans(e.getValue(), end, TRAIN_BUCKETS);
            c.add(new Series("w" + i, e.getKey(), Palette.color(i), null, pts[0], pts[1], false, "no samples"));
            i++;
        }
        List<EvalPoint> ev = r.evals();
        double[] xs = ev.stream().mapToDouble(EvalPoint::time).toArray();
        double[] ys = ev.stream().mapToDouble(EvalPoint::loss).toArray();
        c.add(new Series("eval", "global model (eval)", "#333333", null, xs, ys, true, "no evaluations"));
        return c.html();
    }

    /**
     * Means of the finite losses in {@code buckets} equal time buckets over [0, end]: row 0 holds
     * the mean time of each non-empty bucket, row 1 the mean loss.
     */
    static double[][] bucketMeans(List<TrainLoss> points, double end, int buckets) {
        double[] sumT = new double[buckets];
        double[] sumL = new double[buckets];
        int[] n = new int[buckets];
        double width = end > 0 ? end / buckets : 1;
        for (TrainLoss p : points) {
            if (!Double.isFinite(p.loss())) {
                continue;
            }
            int b = (int) Math.min(buckets - 1, Math.max(0, Math.floor(p.time() / width)));
            sumT[b] += p.time();
            sumL[b] += p.loss();
            n[b]++;
        }
        int filled = 0;
        for (int k : n) {
            filled += k > 0 ? 1 : 0;
        }
        double[][] out = new double[2][filled];
        int j = 0;
        for (int b = 0; b < buckets; b++) {
            if (n[b] > 0) {
                out[0][j] = sumT[b] / n[b];
                out[1][j] = sumL[b] / n[b];
                j++;
            }
        }
        return out;
    }
}
