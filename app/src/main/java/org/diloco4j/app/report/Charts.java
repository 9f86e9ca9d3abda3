package org.diloco4j.app.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import org.diloco4j.core.coord.Metric.Eval;
import org.diloco4j.core.coord.Metric.TrainLoss;

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
        evalSeries(runs, c, Eval::time, null);
        return c.html();
    }

    static String evalVsBytes(List<RunView> runs) {
        LineChart c = new LineChart("eval-bytes", "Held-out loss vs bytes communicated")
                .subtitle("cumulative bytes up + down over all workers, log scale")
                .x("bytes communicated", Quantity.BYTES, true, false).y("eval loss", Quantity.LOSS);
        evalSeries(runs, c, Metrics::bytesTotal, "no communication");
        double ddp = runs.stream().mapToDouble(r -> r.summary().ddpBytesEquivalent()).max().orElse(0);
        if (ddp > 0) {
            c.rule(ddp, "data-parallel, same tokens: " + Fmt.bytes(ddp));
        }
        return c.html();
    }

    /** The second half of training with the y axis fitted to it: where methods actually differ. */
    static String evalZoom(List<RunView> runs) {
        double maxTokens = runs.stream().flatMap(r -> r.evals().stream()).mapToDouble(Eval::tokens).max().orElse(0);
        LineChart c = new LineChart("eval-zoom", "Held-out loss, second half of training")
                .subtitle("zoomed: tokens ≥ " + Fmt.tokens(maxTokens / 2) + ", y axis fitted to this range")
                .x("tokens trained", Quantity.TOKENS, false, false).y("eval loss", Quantity.LOSS)
                .xFrom(maxTokens / 2);
        evalSeries(runs, c, e -> e.tokens(), null);
        return c.html();
    }

    /** Whether {@link #evalZoom} has enough to show (a few evaluations in the second half). */
    static boolean zoomUseful(List<RunView> runs) {
        double maxTokens = runs.stream().flatMap(r -> r.evals().stream()).mapToDouble(Eval::tokens).max().orElse(0);
        return maxTokens > 0 && runs.stream().anyMatch(r -> r.evals().stream()
                .filter(e -> e.tokens() >= maxTokens / 2 && Double.isFinite(e.loss())).count() >= 3);
    }

    private static void evalSeries(List<RunView> runs, LineChart c, ToDoubleFunction<Eval> x, String note) {
        for (RunView r : runs) {
            List<Eval> ev = r.evals();
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
        LineChart c = perWorker(r, "train-loss", "Training loss per worker", LineChart.WIDE,
                "each worker's loss on its own shard, mean per time bucket; dashed: global model, held out",
                "loss", Quantity.LOSS, TrainLoss::loss);
        List<Eval> ev = r.evals();
        double[] xs = ev.stream().mapToDouble(Eval::time).toArray();
        double[] ys = ev.stream().mapToDouble(Eval::loss).toArray();
        c.add(new Series("eval", "global model (eval)", "#333333", null, xs, ys, true, "no evaluations"));
        return c.html();
    }

    /** Each worker's inner learning rate: the schedule as the workers' own step counters ran through it. */
    static String learningRate(RunView r) {
        return perWorker(r, "train-lr", "Inner learning rate per worker", LineChart.WIDTH,
                "AdamW's learning rate at each worker's own step (warmup, then the decay)", "learning rate",
                Quantity.RATE, TrainLoss::lr).html();
    }

    /** Each worker's gradient norm before clipping. */
    static String gradNorm(RunView r) {
        return perWorker(r, "train-grad-norm", "Gradient norm per worker", LineChart.WIDTH,
                "global L2 norm before clipping, mean per time bucket", "gradient norm", Quantity.PLAIN,
                TrainLoss::gradNorm).html();
    }

    /** Each worker's real compute throughput. */
    static String throughput(RunView r) {
        boolean simulated = r.summary().simulatedSeconds() > 0;
        return perWorker(r, "train-throughput", "Throughput per worker", LineChart.WIDTH,
                simulated ? "tokens per real second of computing on this host (the simulated devices' speeds are in the timeline)"
                        : "tokens per second of computing, as each worker measured it",
                "tokens / s", Quantity.TOKENS_PER_SECOND, TrainLoss::tokensPerSecond).html();
    }

    /** Whether any train-loss sample carries the optimizer's figures (files before they were recorded do not). */
    static boolean hasOptimizerFigures(RunView r) {
        return r.run().metrics().trainLosses().stream()
                .anyMatch(t -> Double.isFinite(t.lr()) || Double.isFinite(t.gradNorm()) || Double.isFinite(t.tokensPerSecond()));
    }

    /** One line per worker of {@code value} over time, as bucketed means. */
    private static LineChart perWorker(RunView r, String id, String title, double width, String subtitle, String yTitle,
                                       Quantity q, ToDoubleFunction<TrainLoss> value) {
        boolean simulated = r.summary().simulatedSeconds() > 0;
        LineChart c = new LineChart(id, title).width(width).subtitle(subtitle)
                .x(simulated ? "simulated time" : "time", Quantity.SECONDS, false, true).y(yTitle, q);
        Map<String, List<TrainLoss>> byWorker = new LinkedHashMap<>();
        r.workers().forEach(w -> byWorker.put(w, new ArrayList<>()));
        for (TrainLoss t : r.run().metrics().trainLosses()) {
            byWorker.computeIfAbsent(t.worker(), w -> new ArrayList<>()).add(t);
        }
        double end = r.endTime();
        int i = 0;
        for (Map.Entry<String, List<TrainLoss>> e : byWorker.entrySet()) {
            double[][] pts = bucketMeans(e.getValue(), value, end, TRAIN_BUCKETS);
            c.add(new Series("w" + i, e.getKey(), Palette.color(i), null, pts[0], pts[1], false, "no samples"));
            i++;
        }
        return c;
    }

    /**
     * Means of the finite values in {@code buckets} equal time buckets over [0, end]: row 0 holds
     * the mean time of each non-empty bucket, row 1 the mean value.
     */
    static double[][] bucketMeans(List<TrainLoss> points, ToDoubleFunction<TrainLoss> value, double end, int buckets) {
        double[] sumT = new double[buckets];
        double[] sumV = new double[buckets];
        int[] n = new int[buckets];
        double width = end > 0 ? end / buckets : 1;
        for (TrainLoss p : points) {
            double v = value.applyAsDouble(p);
            if (!Double.isFinite(v)) {
                continue;
            }
            int b = (int) Math.min(buckets - 1, Math.max(0, Math.floor(p.time() / width)));
            sumT[b] += p.time();
            sumV[b] += v;
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
                out[1][j] = sumV[b] / n[b];
                j++;
            }
        }
        return out;
    }
}
