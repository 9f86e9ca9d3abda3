package org.diloco4j.app.config;

import org.diloco4j.core.codec.Codecs;
import org.diloco4j.core.codec.ThetaDownlink;
import org.diloco4j.model.data.DataException;
import org.diloco4j.model.data.corpus.CorpusOptions;
import org.diloco4j.model.data.text.SplitRule;
import org.diloco4j.model.data.text.TextEncoding;
import org.diloco4j.sim.Heterogeneity;

import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Turns "auto" values into concrete ones and checks rules that involve several keys. The result is
 * what config.toml records, so a run can be repeated from it exactly.
 */
public final class Resolver {
    /** Regions of the "world" network preset: one-way latency to the coordinator and link speeds. */
    private record Region(String name, double upMbps, double downMbps, double latencyMs) {
    }

    private static final List<Region> WORLD = List.of(
            new Region("frankfurt", 1000, 1000, 5),
            new Region("virginia", 400, 800, 45),
            new Region("singapore", 100, 300, 85),
            new Region("sao-paulo", 40, 100, 110),
            new Region("sydney", 100, 200, 140),
            new Region("mumbai", 50, 150, 60),
            new Region("tokyo", 300, 500, 115),
            new Region("johannesburg", 30, 80, 85));

    private Resolver() {
    }

    public static RunConfig resolve(RunConfig c) {
        RunConfig r = c;
        if (r.workers().isEmpty()) r = r.withWorkers(generateWorkers(r));
        int k = r.workers().size();
        r = r.with("workers", k);
        String method = r.str("method");
        boolean async = method.startsWith("async");
        r = auto(r, "outer.optimizer", switch (method) {
            case "ddp" -> "sgd";
            case "async-dn-dylu" -> "delayed-nesterov";
            default -> "nesterov";
        });
        // Delayed Nesterov's buffer closes with the grace window (BufferClose.WINDOW: the paper's buffer
        // of N arrivals staggers the workers' restarts, EXPERIMENTS.md).
        r = auto(r, "outer.buffer_close", method.equals("async-dn-dylu") ? "window" : "arrivals");
        // Outer learning rates chosen by experiments/headline.toml on the tuning set (EXPERIMENTS.md,
        // table 1): 0.7 for synchronous DiLoCo, 0.4 for Delayed Nesterov (with either buffer close),
        // 0.05 for naive async, whose every arrival moves θ through a fresh momentum step.
        r = auto(r, "outer.lr", switch (method) {
            case "async" -> 0.05;
            case "async-dn-dylu" -> 0.4;
            default -> 0.7;
        });
        r = auto(r, "outer.buffer", k);
        r = auto(r, "outer.weights", r.str("data.shards").equals("non-iid") ? "shard-size" : "uniform");
        // Streaming's merge keeps α of a worker's own copy of the fragment; on shards of one language
        // each, that drift pulls every copy away from the global model (EXPERIMENTS.md, table d).
        r = auto(r, "streaming.merge_alpha", r.str("data.shards").equals("non-iid") ? 0.0 : 0.5);
        r = auto(r, "outer.dylu", method.equals("async-dn-dylu") ? "true" : "false");
        r = auto(r, "outer.shard_assignment", async ? "least-sampled" : "own");
        r = auto(r, "outer.grace_share", r.dbl("outer.grace_seconds") == 0 && r.str("outer.buffer_close").equals("window") ? 0.5 : 0.0);
        r = auto(r, "outer.realign", Boolean.toString(r.bool("outer.dylu") && r.str("outer.buffer_close").equals("window")));
        r = auto(r, "outer.min_workers", k);
        // On a GPU the inner loop runs under bf16 autocast (θ, AdamW state and gradients stay fp32);
        // on the CPU fp32, which is the faster of the two without AVX-512 (NativeTorch.cpuHasFastBf16Matmul).
        r = auto(r, "train.precision", r.str("train.device").strip().toLowerCase(java.util.Locale.ROOT).startsWith("cuda") ? "bf16" : "fp32");
        long tokensPerStep = (long) r.integer("train.batch") * r.integer("model.context");
        long budget = r.lng("train.token_budget");
        int replicas = method.equals("ddp") ? 1 : k;
        long perWorkerSteps = Math.max(1, budget / Math.max(1, tokensPerStep * (method.equals("ddp") ? k : 1)) / replicas);
        r = auto(r, "train.decay_steps", perWorkerSteps);
        r = auto(r, "train.eval_every_tokens", Math.max(1, budget / 20));
        if (r.isAuto("data.split_rule")) r = r.with("data.split_rule", autoSplitRule(r, k).label());
        r = r.with("data.encoding", canonical(r, "data.encoding", v -> TextEncoding.parse(v).label()));
        // The default run sends ≥ 50× fewer bytes than data-parallel training (EXPERIMENTS.md, table c):
        // int8 pseudo-gradients, θ in bf16 (with H = 48). DDP's one logical member is the whole
        // data-parallel group: its delta is the model's own update and must arrive exact.
        boolean ddp = method.equals("ddp");
        r = auto(r, "outer.codec", ddp ? "fp32" : "int8");
        r = auto(r, "outer.down_codec", ddp ? "fp32" : "bf16");
        r = r.with("outer.codec", canonical(r, "outer.codec", v -> Codecs.parse(v).spec()));
        // θ itself travels only in fp32, bf16 or fp16: the weights are never quantized.
        r = r.with("outer.down_codec", canonical(r, "outer.down_codec", v -> ThetaDownlink.parse(v).spec()));
        check(r);
        // Last: the step times of workers described by their device follow the model and batch resolved above.
        return StepTimes.derive(r);
    }

    /** What data.split_rule = auto means for the corpus: the only resolution that looks at the disk (it lists a folder). */
    private static SplitRule autoSplitRule(RunConfig r, int shards) {
        try {
            return CorpusOptions.of(r.str("data.corpus")).autoSplitRule(shards);
        } catch (DataException e) {
            throw ConfigException.bad("data.corpus", r.str("data.corpus"), e.getMessage());
        }
    }

    /** The canonical spelling of a key whose value a parser reads (case, aliases, default parameters), or why it is invalid. */
    private static String canonical(RunConfig r, String key, UnaryOperator<String> parse) {
        try {
            return parse.apply(r.str(key));
        } catch (IllegalArgumentException e) {
            throw ConfigException.bad(key, r.str(key), e.getMessage());
        }
    }

    private static RunConfig auto(RunConfig r, String key, Object value) {
        return r.isAuto(key) ? r.with(key, value) : r;
    }

    private static List<WorkerEntry> generateWorkers(RunConfig r) {
        int k = r.integer("workers");
        double[] sps = Heterogeneity.parse(r.str("sim.heterogeneity")).secondsPerStep(k, r.dbl("sim.seconds_per_step"));
        boolean world = r.str("sim.network").equals("world");
        List<WorkerEntry> out = new ArrayList<>();
        for (int i = 0; i < k; i++) {
            Region g = WORLD.get(i % WORLD.size());
            String name = world ? g.name() + (i >= WORLD.size() ? "-" + (i / WORLD.size() + 1) : "") : "node" + i;
            out.add(world
                    ? new WorkerEntry(name, sps[i], r.dbl("sim.jitter"), g.upMbps(), g.downMbps(), g.latencyMs(), 0, i)
                    : new WorkerEntry(name, sps[i], r.dbl("sim.jitter"), 10_000, 10_000, 0.5, 0, i));
        }
        return out;
    }

    private static void check(RunConfig r) {
        int d = r.integer("model.d_model");
        int h = r.integer("model.heads");
        if (d % h != 0) throw new ConfigException("config key model.heads = " + h + " is invalid: must divide model.d_model = " + d);
        String method = r.str("method");
        int k = r.workers().size();
        java.util.Set<String> names = new java.util.HashSet<>();
        for (WorkerEntry w : r.workers()) {
            if (!names.add(w.name())) throw new ConfigException("[[sim.workers]] has two workers named '" + w.name() + "'");
        }
        for (FaultEntry f : r.faults()) {
            if (!f.kind().equals("join") && !names.contains(f.worker())) {
                throw new ConfigException("[[sim.faults]] " + f.kind() + " names worker '" + f.worker() + "'; workers are " + names);
            }
        }
        for (String key : List.of("outer.codec", "outer.down_codec")) {
            if (method.equals("ddp") && !r.str(key).equals("fp32")) {
                throw ConfigException.bad(key, r.str(key), "method = ddp all-reduces exact fp32 gradients; leave " + key + " at auto (fp32)");
            }
        }
        if (method.equals("ddp") && r.faults().stream().anyMatch(f -> !f.kind().equals("slowdown"))) {
            throw new ConfigException("[[sim.faults]] other than slowdowns cannot be used with method = \"ddp\": the baseline has no fault tolerance to simulate");
        }
        if (method.equals("streaming")) {
            int hSteps = r.integer("outer.inner_steps");
            int p = r.integer("streaming.fragments");
            if (hSteps % p != 0) {
                throw new ConfigException("config key outer.inner_steps = " + hSteps + " is invalid for streaming: must be a multiple of streaming.fragments = " + p);
            }
            int tau = r.integer("streaming.overlap");
            if (tau >= hSteps / p) {
                throw new ConfigException("config key streaming.overlap = " + tau + " is invalid: must be < outer.inner_steps / streaming.fragments = " + hSteps / p);
            }
            if (p > r.integer("model.layers")) {
                throw new ConfigException("config key streaming.fragments = " + p + " is invalid: must be at most model.layers = "
                        + r.integer("model.layers") + " (every fragment holds at least one whole block)");
            }
        }
        int n = r.integer("outer.buffer");
        double c = r.dbl("outer.c");
        if (c > 1.0 / n) throw new ConfigException("config key outer.c = " + c + " is invalid: must be in [0, 1/N] with N = outer.buffer = " + n);
        if (r.integer("outer.min_inner_steps") > r.integer("outer.inner_steps")) {
            throw new ConfigException("config key outer.min_inner_steps = " + r.integer("outer.min_inner_steps")
                    + " is invalid: must be <= outer.inner_steps = " + r.integer("outer.inner_steps"));
        }
        if (r.integer("outer.min_workers") > k + (int) r.faults().stream().filter(f -> f.kind().equals("join")).count()) {
            throw new ConfigException("config key outer.min_workers = " + r.integer("outer.min_workers") + " is invalid: the run has only " + k + " workers");
        }
    }
}
