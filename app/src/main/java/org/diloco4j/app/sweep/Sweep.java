package org.diloco4j.app.sweep;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.diloco4j.app.config.ConfigException;
import org.diloco4j.app.config.Resolver;
import org.diloco4j.app.config.RunConfig;
import org.diloco4j.app.config.WorkerEntry;
import org.diloco4j.core.io.AtomicFiles;
import org.diloco4j.app.run.EqualTokens;
import org.diloco4j.app.run.RunDirectory;
import org.diloco4j.app.run.RunSetup;
import org.diloco4j.app.run.TrainJob;
import org.diloco4j.app.sweep.SweepRun.Phase;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Runs a {@link SweepSpec}: for each arm, one tuning run per grid setting and tuning seed (scored on
 * the tuning held-out set), the setting with the lowest mean tuning loss chosen, then one reported
 * run per seed with it (scored on the reported held-out set). Every arm gets the same token budget,
 * rounded to whole synchronous rounds of the base configuration so that synchronous methods end
 * exactly on it and asynchronous ones are trimmed to it: all arms are compared at equal tokens.
 *
 * <p>A sweep is long: it records each finished run in {@code sweep.json} as it goes, and started
 * again on the same folder it keeps finished runs, resumes an interrupted one from its checkpoint,
 * and runs the rest.
 */
public final class Sweep {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final SweepSpec spec;
    private final Path root;
    private final TrainJob.Options options;
    private final AtomicBoolean stop;
    private final Consumer<String> log;
    private final List<SweepRun> runs = new ArrayList<>();
    private final long budget;
    private final long tuneBudget;

    /** What a sweep ended with: every run, and the setting chosen for each arm; {@code complete} is false if it was stopped. */
    public record Result(List<SweepRun> runs, Map<String, Map<String, Object>> chosen, long budget, long tuneBudget, boolean complete) {
    }

    public Sweep(SweepSpec spec, Path root, TrainJob.Options options, AtomicBoolean stop, Consumer<String> log) {
        this.spec = spec;
        this.root = root;
        this.options = options;
        this.stop = stop;
        this.log = log;
        long round = EqualTokens.round(spec.base());
        this.budget = EqualTokens.wholeRounds(spec.base().lng("train.token_budget"), round, "sweep: train.token_budget", log);
        this.tuneBudget = EqualTokens.wholeRounds(spec.tuneBudget(), round, "sweep: sweep.tune_token_budget", log);
    }

    public Result run() throws IOException {
        Files.createDirectories(root);
        Map<String, Map<String, Object>> chosen = new LinkedHashMap<>();
        for (SweepSpec.Arm arm : spec.arms()) {
            Map<String, Object> best = tune(arm);
            if (best == null) return result(chosen, false);
            chosen.put(arm.name(), best);
            for (long seed : spec.seeds()) {
                if (run(arm, best, seed, Phase.REPORT, budget) == null) return result(chosen, false);
            }
        }
        return result(chosen, true);
    }

    /** Runs the arm's grid on the tuning seeds and returns the setting with the lowest mean loss (null if stopped). */
    private Map<String, Object> tune(SweepSpec.Arm arm) throws IOException {
        List<Map<String, Object>> settings = SweepSpec.combinations(arm.grid());
        if (settings.size() == 1) return settings.get(0);
        Map<String, Object> best = null;
        double bestLoss = Double.POSITIVE_INFINITY;
        for (Map<String, Object> s : settings) {
            double sum = 0;
            for (long seed : spec.tuneSeeds()) {
                SweepRun r = run(arm, s, seed, Phase.TUNE, tuneBudget);
                if (r == null) return null;
                sum += r.loss();
            }
            double mean = sum / spec.tuneSeeds().size();
            // A diverged run (NaN) is never chosen.
            if (mean < bestLoss) {
                bestLoss = mean;
                best = s;
            }
        }
        if (best == null) throw new ConfigException("every tuning run of sweep arm '" + arm.name() + "' diverged: widen its grid");
        log.accept(String.format(Locale.ROOT, "sweep: %s tuned: %s (tuning loss %.4f)", arm.name(), SweepRun.label(best), bestLoss));
        return best;
    }

    /** One run, or the record of it if it already finished; null if the sweep was stopped during it. */
    private SweepRun run(SweepSpec.Arm arm, Map<String, Object> setting, long seed, Phase phase, long tokens) throws IOException {
        Path dir = root.resolve(arm.name()).resolve(phase == Phase.TUNE
                ? "tune-" + folderName(setting) + "-seed" + seed : "seed" + seed);
        if (!Files.exists(dir.resolve("summary.json"))) {
            RunConfig cfg = config(arm, setting, seed, phase, tokens);
            log.accept(String.format(Locale.ROOT, "sweep: %s, %s seed %d, %s", arm.name(), phase.label(), seed, SweepRun.label(setting)));
            TrainJob.Outcome o;
            if (Files.exists(dir.resolve("checkpoint"))) {
                o = TrainJob.resume(RunDirectory.existing(dir), options, stop);
            } else {
                if (Files.exists(dir)) RunDirectory.deleteTree(dir);   // started, never checkpointed: start again
                RunSetup setup = RunSetup.build(cfg, log);
                setup.checkInitFrom();
                o = new TrainJob(setup, RunDirectory.create(dir), options, stop).start();
            }
            if (!o.finished()) return null;
        }
        SweepRun r = SweepRun.read(arm.name(), phase, seed, setting, dir);
        runs.add(r);
        writeJson();
        return r;
    }

    /** The arm's configuration for one run. */
    RunConfig config(SweepSpec.Arm arm, Map<String, Object> setting, long seed, Phase phase, long tokens) {
        RunConfig c = spec.base().with("method", arm.method());
        for (Map.Entry<String, Object> e : arm.set().entrySet()) c = c.with(e.getKey(), e.getValue());
        for (Map.Entry<String, Object> e : setting.entrySet()) c = c.with(e.getKey(), e.getValue());
        c = c.with("seed", seed).with("data.eval_set", phase.label()).with("train.token_budget", tokens);
        if (arm.sameTimeAs() != null) c = alone(c, arm.sameTimeAs(), seed, phase);
        return Resolver.resolve(c);
    }

    /**
     * One worker alone — the fastest device of the base configuration — trained for as long (in
     * simulated seconds) as the reference arm's run with the same seed and phase took: the DiLoCo
     * papers' single-worker baseline. Its token budget is what that device trains in that time, so
     * that its learning-rate schedule ends when its time does.
     */
    private RunConfig alone(RunConfig c, String reference, long seed, Phase phase) {
        SweepRun ref = runs.stream().filter(r -> r.arm().equals(reference) && r.phase() == phase && r.seed() == seed)
                .min(Comparator.comparingDouble(SweepRun::loss))
                .orElseThrow(() -> new IllegalStateException("no " + phase.label() + " run of " + reference + " with seed " + seed));
        WorkerEntry fastest = Resolver.resolve(c).workers().stream().min(Comparator.comparingDouble(WorkerEntry::secondsPerStep)).orElseThrow();
        // Whole rounds of H steps (a lone worker runs as DDP with k = 1, which stops at a round's end).
        int h = c.integer("outer.inner_steps");
        long steps = Math.max(1, (long) (ref.simulatedSeconds() / fastest.secondsPerStep()) / h) * h;
        long tokens = steps * c.integer("train.batch") * c.integer("model.context");
        return c.withWorkers(List.of(fastest)).with("workers", 1).with("train.token_budget", tokens);
    }

    private static String folderName(Map<String, Object> setting) {
        return SweepRun.label(setting).replace(", ", "_").replaceAll("[^A-Za-z0-9._=-]", "_");
    }

    private void writeJson() throws IOException {
        List<Map<String, Object>> list = new ArrayList<>();
        for (SweepRun r : runs) list.add(r.toJson());
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("token_budget", budget);
        doc.put("tune_token_budget", tuneBudget);
        doc.put("seeds", spec.seeds());
        doc.put("tune_seeds", spec.tuneSeeds());
        doc.put("runs", list);
        AtomicFiles.write(root.resolve("sweep.json"), JSON.writeValueAsBytes(doc));
    }

    private Result result(Map<String, Map<String, Object>> chosen, boolean complete) {
        return new Result(List.copyOf(runs), chosen, budget, tuneBudget, complete);
    }
}
