package org.diloco4j.app.run;

import org.diloco4j.app.config.ConfigException;
import org.diloco4j.app.config.FaultEntry;
import org.diloco4j.app.config.ModelKeys;
import org.diloco4j.app.config.RunConfig;
import org.diloco4j.app.config.WorkerEntry;
import org.diloco4j.core.agg.WeightingConfig;
import org.diloco4j.core.coord.BufferClose;
import org.diloco4j.core.coord.CoordinatorConfig;
import org.diloco4j.core.coord.DataShards;
import org.diloco4j.core.coord.Method;
import org.diloco4j.core.optim.OuterOptimizerConfig;
import org.diloco4j.core.params.BlockAssignment;
import org.diloco4j.core.params.FragmentPlan;
import org.diloco4j.core.params.FragmentPlanner;
import org.diloco4j.core.train.InnerTrainer;
import org.diloco4j.model.data.batch.BatchSource;
import org.diloco4j.model.data.batch.ShardedBatches;
import org.diloco4j.model.data.batch.TokenBatch;
import org.diloco4j.model.data.corpus.Corpus;
import org.diloco4j.model.data.shard.Shard;
import org.diloco4j.model.data.shard.ShardMode;
import org.diloco4j.model.data.shard.ShardPlan;
import org.diloco4j.model.data.text.Split;
import org.diloco4j.model.eval.GptEvaluator;
import org.diloco4j.model.gpt.GptConfig;
import org.diloco4j.model.gpt.GptInit;
import org.diloco4j.model.gpt.GptLayout;
import org.diloco4j.model.hf.HfFormatException;
import org.diloco4j.model.hf.HfGpt2;
import org.diloco4j.model.nativ.TorchDevice;
import org.diloco4j.model.train.AdamWConfig;
import org.diloco4j.model.train.GptTrainer;
import org.diloco4j.model.train.LrSchedule;
import org.diloco4j.model.train.Precision;
import org.diloco4j.model.train.TrainerConfig;
import org.diloco4j.sim.DeviceProfile;
import org.diloco4j.sim.Fault;
import org.diloco4j.sim.LinkProfile;
import org.diloco4j.sim.SimConfig;
import org.diloco4j.sim.TrainerFactory;
import org.diloco4j.sim.WorkerSpec;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * Everything a run is made of, built from a resolved {@link RunConfig}: the corpus and its shards,
 * the GPT and trainer configs, the initial θ, the fragment plan and the coordinator and simulator
 * configs. The same setup serves the simulator and the network runtime.
 */
public final class RunSetup {
    private final RunConfig cfg;
    private final Corpus corpus;
    private final Split split;
    private final ShardPlan dataShards;
    private final GptConfig gpt;
    private final TrainerConfig trainer;
    private final FragmentPlan plan;
    private final CoordinatorConfig coordinator;
    private final SimConfig sim;

    private RunSetup(RunConfig cfg, Consumer<String> log) {
        this.cfg = cfg;
        // The device first: it is quick to probe, and a run that cannot use it must not wait for its corpus.
        this.trainer = trainerConfig(cfg);
        requireDevice(trainer.device());
        try {
            this.corpus = RunCorpus.load(cfg, log);
            int context = cfg.integer("model.context");
            this.gpt = gptConfig(cfg, corpus.tokenizer().vocabSize());
            corpus.checkVocab(gpt.vocabSize());
            this.split = RunCorpus.split(corpus, cfg, log);
            this.dataShards = RunCorpus.shards(corpus, split, shardCount(cfg), cfg);
            corpus.checkBatch(cfg.integer("train.batch"), context);
        } catch (IllegalArgumentException e) {    // DataException included: bad data is a config problem here
            throw new ConfigException(e.getMessage());
        }
        Method method = Method.parse(cfg.str("method"));
        this.plan = method == Method.STREAMING
                ? FragmentPlanner.plan(GptLayout.of(gpt), cfg.integer("streaming.fragments"), BlockAssignment.parse(cfg.str("streaming.layout")))
                : FragmentPlan.whole(GptLayout.of(gpt).size());
        this.coordinator = coordinatorConfig(cfg, method, shardSizes());
        this.sim = simConfig(cfg);
    }

    /** Loads the corpus (cached after the first time) and builds the run. */
    public static RunSetup build(RunConfig resolved, Consumer<String> log) {
        return new RunSetup(resolved, log);
    }

    /** The GPT that {@code cfg}'s model keys describe, over a vocabulary of {@code vocab} tokens (as the simulator times it). */
    static GptConfig gptConfig(RunConfig cfg, int vocab) {
        return ModelKeys.gpt(cfg, vocab);
    }

    private static void requireDevice(TorchDevice device) {
        try {
            device.requireAvailable();
        } catch (IllegalStateException e) {
            throw new ConfigException("train.device = \"" + device + "\" cannot be used here: " + e.getMessage()
                    + "; set train.device = \"cpu\", or run where that device exists");
        }
    }

    private static int shardCount(RunConfig cfg) {
        int k = cfg.workers().size();
        for (WorkerEntry w : cfg.workers()) k = Math.max(k, w.shard() + 1);
        return k;
    }

    private long[] shardSizes() {
        long[] s = new long[dataShards.k()];
        for (int i = 0; i < s.length; i++) s[i] = Math.max(1, dataShards.shards().get(i).tokens());
        return s;
    }

    private static TrainerConfig trainerConfig(RunConfig c) {
        long warmup = c.lng("train.warmup_steps");
        long decay = c.lng("train.decay_steps");
        if (decay != 0 && decay <= warmup) decay = warmup + 1;
        return new TrainerConfig(
                new AdamWConfig(c.dbl("train.lr"), c.dbl("train.beta1"), c.dbl("train.beta2"), c.dbl("train.eps"), c.dbl("train.weight_decay")),
                new LrSchedule(warmup, decay, c.dbl("train.min_lr_ratio")),
                c.dbl("train.grad_clip"), c.dbl("train.dropout"),
                Precision.valueOf(c.str("train.precision").toUpperCase(Locale.ROOT)),
                c.integer("train.threads"), TorchDevice.parse(c.str("train.device")),
                // One step of the schedule is one step of every worker: the schedule follows the run's tokens.
                (long) c.workers().size() * c.integer("train.batch") * c.integer("model.context"));
    }

    static CoordinatorConfig coordinatorConfig(RunConfig c, Method method, long[] shardSizes) {
        OuterOptimizerConfig outer = new OuterOptimizerConfig(OuterOptimizerConfig.Kind.parse(c.str("outer.optimizer")),
                method == Method.DDP ? 1.0 : c.dbl("outer.lr"), c.dbl("outer.momentum"), c.integer("outer.buffer"), c.dbl("outer.c"));
        DataShards shards = c.str("outer.shard_assignment").equals("least-sampled") ? DataShards.leastSampled(shardSizes) : DataShards.own(shardSizes);
        try {
            return CoordinatorConfig.builder().method(method).innerSteps(c.integer("outer.inner_steps")).outer(outer)
                    .weighting(new WeightingConfig(c.str("outer.weights"), c.dbl("outer.staleness_decay"), c.lng("outer.max_staleness")))
                    .dylu(c.bool("outer.dylu")).minInnerSteps(c.integer("outer.min_inner_steps"))
                    .graceSeconds(c.dbl("outer.grace_seconds")).graceShare(c.dbl("outer.grace_share")).bufferClose(BufferClose.parse(c.str("outer.buffer_close"))).realign(c.bool("outer.realign")).minWorkers(c.integer("outer.min_workers"))
                    .quorum(c.integer("outer.quorum")).roundDeadline(c.dbl("outer.round_deadline"))
                    .overlap(method == Method.STREAMING ? c.integer("streaming.overlap") : 0).mergeAlpha(c.dbl("streaming.merge_alpha"))
                    .upCodec(c.str("outer.codec")).errorFeedback(c.bool("outer.error_feedback")).downCodec(c.str("outer.down_codec"))
                    .tokenBudget(c.lng("train.token_budget")).maxDeltaNorm(c.dbl("outer.max_delta_norm")).shards(shards)
                    .ddpWorkers(c.workers().size()).normBoundFactor(c.dbl("outer.norm_bound_factor"))
                    .normBoundWarmup(c.integer("outer.norm_bound_warmup"))
                    // What every honest push's token count is checked against (the DDP member trains k× the batch).
                    .tokensPerStep((long) c.integer("train.batch") * c.integer("model.context") * (method == Method.DDP ? c.workers().size() : 1))
                    .build();
        } catch (IllegalArgumentException e) {
            throw new ConfigException(e.getMessage());
        }
    }

    private static SimConfig simConfig(RunConfig c) {
        List<WorkerSpec> workers = new ArrayList<>();
        for (WorkerEntry w : c.workers()) workers.add(spec(w, workers.size(), slowdowns(c, w.name())));
        List<Fault> faults = new ArrayList<>();
        for (FaultEntry f : c.faults()) {
            switch (f.kind()) {
                case "crash" -> faults.add(new Fault.Crash(f.worker(), f.at()));
                case "leave" -> faults.add(new Fault.Leave(f.worker(), f.at()));
                case "partition" -> faults.add(new Fault.Partition(f.worker(), f.at(), f.until()));
                case "join" -> faults.add(new Fault.Join(spec(f.joiner(), workers.size(), slowdowns(c, f.worker())), f.at()));
                case "slowdown" -> { } // part of the worker's device profile
                default -> throw new ConfigException("unknown fault kind " + f.kind());
            }
        }
        return new SimConfig(workers, faults, c.lng("seed"), c.dbl("sim.session_timeout"), c.lng("train.eval_every_tokens"),
                c.dbl("sim.max_seconds"));
    }

    private static List<DeviceProfile.Slowdown> slowdowns(RunConfig c, String worker) {
        List<DeviceProfile.Slowdown> out = new ArrayList<>();
        for (FaultEntry f : c.faults()) {
            if (f.kind().equals("slowdown") && f.worker().equals(worker)) out.add(new DeviceProfile.Slowdown(f.at(), f.until(), f.factor()));
        }
        return out;
    }

    static WorkerSpec spec(WorkerEntry w, int index, List<DeviceProfile.Slowdown> slowdowns) {
        return new WorkerSpec(w.name(), new DeviceProfile(w.secondsPerStep(), w.jitter(), slowdowns),
                new LinkProfile(w.upMbps() * 1e6 / 8, w.downMbps() * 1e6 / 8, w.latencyMs() / 1000, w.drop()),
                w.shardAt(index));
    }

    /**
     * The trainer of a networked worker named {@code name} on data {@code shard}: what a simulated
     * worker of that name trains (only the name and shard matter; device and link are the simulator's).
     */
    public InnerTrainer trainer(String name, int shard) {
        return trainers().create(new WorkerSpec(name, DeviceProfile.of(1), LinkProfile.infinite(), shard), shard, 1);
    }

    /** Builds each simulated worker's GPT trainer on its shard (the DDP group gets every shard and k× the batch). */
    public TrainerFactory trainers() {
        int batch = cfg.integer("train.batch");
        int context = gpt.context();
        long seed = cfg.lng("seed");
        return (spec, shard, mult) -> {
            if (shard < 0) return GptTrainer.create(gpt, trainer, corpus.trainBatches(allShards(), batch * mult, context, seed), seed);
            // Every worker can draw from every shard (the coordinator may hand out the most
            // under-sampled one); the seed also depends on the worker so streams differ.
            List<BatchSource> sources = new ArrayList<>();
            long workerSeed = seed + 7919L * (spec.name().hashCode() & 0x7fffffffL);
            for (Shard s : dataShards.shards()) sources.add(corpus.trainBatches(s, batch * mult, context, workerSeed + s.index()));
            return GptTrainer.create(gpt, trainer, new ShardedBatches(sources, shard % dataShards.k()), seed);
        };
    }

    private Shard allShards() {
        return corpus.shards(split, 1, ShardMode.IID, cfg.lng("seed")).shards().get(0);
    }

    /**
     * θ at the start: the GPT-2 initialisation drawn from the run's seed, or the Hugging Face GPT-2
     * model that model.init_from names. Read only by whoever starts a new run (never by a worker,
     * whose θ comes from the coordinator, nor on resume), and read again on each call rather than
     * kept: a GPT-2-sized θ is hundreds of MB.
     */
    public float[] initialTheta() {
        String from = cfg.str("model.init_from");
        return from.isEmpty() ? GptInit.init(gpt, cfg.lng("seed")) : readInitFrom(from);
    }

    /**
     * Fails with the reason if model.init_from names a model this run cannot start from; called
     * before a run's folder exists. Nothing to do (and no θ drawn) without one.
     */
    public void checkInitFrom() {
        String from = cfg.str("model.init_from");
        if (!from.isEmpty()) readInitFrom(from);
    }

    private float[] readInitFrom(String from) {
        Path file = Files.isDirectory(Path.of(from)) ? Path.of(from, HfModelFiles.MODEL) : Path.of(from);
        try {
            return HfGpt2.read(file, gpt);
        } catch (NoSuchFileException e) {
            throw ConfigException.bad("model.init_from", from, file + " does not exist; give a Hugging Face GPT-2 model.safetensors"
                    + " (or a folder holding one), or \"\" to start from a random θ");
        } catch (HfFormatException e) {
            throw new ConfigException("model.init_from: " + e.getMessage() + "; give a model of this run's shape (model.layers,"
                    + " model.d_model, model.heads, model.context and data.tokenizer as its config.json says), or \"\" to start from a random θ");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public GptEvaluator evaluator() {
        List<TokenBatch> held = corpus.validationBatches(split, cfg.integer("train.batch"), gpt.context(), cfg.integer("data.eval_batches"));
        return GptEvaluator.create(gpt, held, corpus.tokenizer(), trainer.device(), trainer.threads());
    }

    public RunConfig config() {
        return cfg;
    }

    public Corpus corpus() {
        return corpus;
    }

    public GptConfig gpt() {
        return gpt;
    }

    /** Which documents are held out for evaluation. */
    public Split split() {
        return split;
    }

    /** How every worker trains (inner optimizer, schedule, clipping, threads). */
    public TrainerConfig trainer() {
        return trainer;
    }

    public FragmentPlan plan() {
        return plan;
    }

    public CoordinatorConfig coordinatorConfig() {
        return coordinator;
    }

    public SimConfig simConfig() {
        return sim;
    }

    public ShardPlan dataShards() {
        return dataShards;
    }
}
