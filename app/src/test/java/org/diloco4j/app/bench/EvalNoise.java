package org.diloco4j.app.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.diloco4j.app.run.RunSetup;
import org.diloco4j.app.run.SavedRun;
import org.diloco4j.model.data.batch.TokenBatch;
import org.diloco4j.model.eval.GptEvaluator;

/**
 * How noisy is a held-out loss measured on n windows, and what does measuring it cost? Driven by
 * scripts/eval-noise, which writes docs/bench/eval-noise.md.
 *
 * <p>The evaluator's held-out set is n windows of T tokens spread evenly over the validation
 * stream. Here the windows of the whole stream are split into K interleaved subsets of n windows —
 * subset g holds windows g, g+K, g+2K, … — each spread over the whole stream like an evaluation
 * set of that size, and disjoint from the others; each is scored with the real evaluator. The
 * standard deviation of the subsets' losses is the standard error of an n-window estimate; with a
 * second run's model, the standard deviation of the paired difference (the same windows, two
 * models) is the noise in a comparison of two curves. Times: one evaluation of n windows with the
 * run's evaluator settings, best of 3, and one inner step of a worker, median of 20, both in this
 * process; the evaluation share of the first run is its evaluations' time over that plus its inner
 * steps' (the rest of a simulated run's time is small next to these two).
 *
 * <p>Usage: EvalNoise RUN_DIR [OTHER_RUN_DIR] — the runs must share their data configuration.
 */
public final class EvalNoise {
    private EvalNoise() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 1 || args.length > 2) {
            System.err.println("usage: EvalNoise RUN_DIR [OTHER_RUN_DIR]");
            System.exit(2);
        }
        SavedRun a = SavedRun.load(Path.of(args[0]));
        SavedRun b = args.length == 2 ? SavedRun.load(Path.of(args[1])) : null;
        RunSetup setup = a.setup();
        int batch = setup.config().integer("train.batch");
        int context = setup.gpt().context();
        int evalBatches = setup.config().integer("data.eval_batches");
        if (b != null && !b.setup().gpt().equals(setup.gpt())) {
            throw new IllegalArgumentException("the two runs have different models: " + setup.gpt() + " vs " + b.setup().gpt());
        }
        List<int[][]> windows = allWindows(setup, batch, context);
        int w = windows.size();
        int n0 = evalBatches * batch;
        System.out.printf(Locale.ROOT, "validation: %,d windows of %d tokens (%,d tokens); the run's evaluation: %d batches x %d rows = %d windows%n%n",
                w, context, (long) w * context, evalBatches, batch, n0);
        int evals = count(Path.of(args[0]), "eval");
        long innerSteps = new ObjectMapper().readTree(Path.of(args[0]).resolve("summary.json").toFile()).get("inner_steps").asLong();
        double stepMs = stepMillis(setup);
        System.out.printf(Locale.ROOT, "one inner step of a worker (batch %d x %d): %.0f ms (median of 20); run 1 ran %d inner steps and %d evaluations%n%n",
                batch, context, stepMs, innerSteps, evals);
        System.out.println("| windows (n) | tokens | disjoint subsets (K) | loss, mean over subsets | std of the loss over subsets "
                + "| 1/√n from n = " + n0 / 2 + " | std of the paired difference | ms per evaluation | evaluation share of run 1 |");
        System.out.println("|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        double std0 = Double.NaN;
        for (int n = n0 / 2; n <= w / 4; n *= 2) {
            int k = w / n;
            double[] la = new double[k];
            double[] diff = new double[k];
            double ms = Double.NaN;
            for (int g = 0; g < k; g++) {
                try (GptEvaluator e = GptEvaluator.create(setup.gpt(), subset(windows, g, k, n, batch), setup.corpus().tokenizer(),
                        setup.trainer().device(), setup.trainer().threads())) {
                    la[g] = e.evaluate(a.theta()).loss();
                    if (b != null) diff[g] = la[g] - e.evaluate(b.theta()).loss();
                    if (g == 0) ms = bestOf3Millis(e, a.theta());
                }
            }
            if (n == n0 / 2) std0 = std(la) * Math.sqrt(0.5);   // what 1/√n predicts for n0 from n0/2
            double share = evals * ms / (evals * ms + innerSteps * stepMs);
            System.out.printf(Locale.ROOT, "| %d | %,d | %d | %.4f | %.4f | %.4f | %s | %.0f | %.1f%% |%n", n, (long) n * context, k, mean(la),
                    std(la), std0 * Math.sqrt((double) n0 / n), b == null ? "—" : String.format(Locale.ROOT, "%.4f", std(diff)), ms,
                    100 * share);
        }
        for (String dir : args) curve(Path.of(dir));
    }

    /** Every window of the validation stream (but the last few that fill no batch), in stream order: {inputs, targets}. */
    private static List<int[][]> allWindows(RunSetup setup, int batch, int context) {
        // Asking for as many rows as there are windows makes the evenly spread rows all of them.
        long windows = (setup.split().validationTokens() - 1) / context;
        List<int[][]> out = new ArrayList<>();
        for (TokenBatch t : setup.corpus().validationBatches(setup.split(), batch, context, (int) (windows / batch))) {
            for (int r = 0; r < t.batch(); r++) {
                out.add(new int[][] {Arrays.copyOfRange(t.inputs(), r * context, (r + 1) * context),
                        Arrays.copyOfRange(t.targets(), r * context, (r + 1) * context)});
            }
        }
        return out;
    }

    /** Subset g of K interleaved subsets of n windows (windows g, g+K, …), as batches of {@code batch} rows. */
    private static List<TokenBatch> subset(List<int[][]> windows, int g, int k, int n, int batch) {
        List<TokenBatch> out = new ArrayList<>();
        for (int j = 0; j < n; j += batch) {
            List<Integer> rows = new ArrayList<>();
            for (int r = j; r < Math.min(n, j + batch); r++) rows.add(g + r * k);
            out.add(pack(windows, rows));
        }
        return out;
    }

    /** The windows at {@code indices} as batches of {@code batch} rows. */
    private static TokenBatch pack(List<int[][]> windows, List<Integer> indices) {
        int t = windows.get(0)[0].length;
        int[] in = new int[indices.size() * t];
        int[] tg = new int[indices.size() * t];
        for (int r = 0; r < indices.size(); r++) {
            System.arraycopy(windows.get(indices.get(r))[0], 0, in, r * t, t);
            System.arraycopy(windows.get(indices.get(r))[1], 0, tg, r * t, t);
        }
        return new TokenBatch(indices.size(), t, in, tg);
    }

    /** Median wall time of one inner step of the run's first worker (20 steps after 3 to warm up). */
    private static double stepMillis(RunSetup setup) {
        org.diloco4j.sim.WorkerSpec spec = setup.simConfig().workers().get(0);
        try (org.diloco4j.core.train.InnerTrainer t = setup.trainers().create(spec, spec.shard(), 1)) {
            t.train(3);
            double[] ms = new double[20];
            for (int i = 0; i < ms.length; i++) {
                long t0 = System.nanoTime();
                t.train(1);
                ms[i] = (System.nanoTime() - t0) / 1e6;
            }
            Arrays.sort(ms);
            return (ms[9] + ms[10]) / 2;
        }
    }

    private static int count(Path run, String type) throws Exception {
        ObjectMapper json = new ObjectMapper();
        int n = 0;
        for (String line : Files.readAllLines(run.resolve("metrics.jsonl"))) {
            if (json.readTree(line).get("type").asText().equals(type)) n++;
        }
        return n;
    }

    /** Best of 3 wall times of an evaluation (after one to warm up). */
    private static double bestOf3Millis(GptEvaluator e, float[] theta) {
        e.evaluate(theta);
        double best = Double.POSITIVE_INFINITY;
        for (int i = 0; i < 3; i++) {
            long t0 = System.nanoTime();
            e.evaluate(theta);
            best = Math.min(best, (System.nanoTime() - t0) / 1e6);
        }
        return best;
    }

    /** The run's held-out curve: final loss, and how much consecutive evaluations differ in its second half. */
    private static void curve(Path run) throws Exception {
        ObjectMapper json = new ObjectMapper();
        List<double[]> evals = new ArrayList<>();
        for (String line : Files.readAllLines(run.resolve("metrics.jsonl"))) {
            JsonNode n = json.readTree(line);
            if (n.get("type").asText().equals("eval")) evals.add(new double[] {n.get("tokens").asDouble(), n.get("loss").asDouble()});
        }
        double maxTokens = evals.get(evals.size() - 1)[0];
        List<Double> diffs = new ArrayList<>();
        for (int i = 1; i < evals.size(); i++) {
            if (evals.get(i - 1)[0] >= maxTokens / 2) diffs.add(Math.abs(evals.get(i)[1] - evals.get(i - 1)[1]));
        }
        diffs.sort(null);
        System.out.printf(Locale.ROOT, "%n%s: %d evaluations, final loss %.4f; second half: %d consecutive differences, "
                        + "smallest %.4f, median %.4f, largest %.4f%n", run, evals.size(), evals.get(evals.size() - 1)[1], diffs.size(),
                diffs.get(0), diffs.get(diffs.size() / 2), diffs.get(diffs.size() - 1));
    }

    private static double mean(double[] v) {
        return Arrays.stream(v).average().orElse(Double.NaN);
    }

    private static double std(double[] v) {
        double m = mean(v);
        double s = 0;
        for (double x : v) s += (x - m) * (x - m);
        return Math.sqrt(s / (v.length - 1));
    }
}
