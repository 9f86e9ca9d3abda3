package org.diloco4j.app.config;

import org.diloco4j.core.coord.CoordinatorConfig;

import org.diloco4j.core.codec.Int8Codec;
import org.diloco4j.core.codec.Q4Codec;
import org.diloco4j.model.data.text.SplitRule;
import org.diloco4j.model.data.text.TextEncoding;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.diloco4j.app.config.ConfigKey.Type.BOOL;
import static org.diloco4j.app.config.ConfigKey.Type.DOUBLE;
import static org.diloco4j.app.config.ConfigKey.Type.INT;
import static org.diloco4j.app.config.ConfigKey.Type.LONG;
import static org.diloco4j.app.config.ConfigKey.Type.STRING;

/**
 * Every scalar setting of a run, with defaults in one place. The defaults make {@code diloco train}
 * with no arguments the showcase run: four simulated workers of very different speeds around the
 * world, asynchronous DiLoCo with Delayed Nesterov and DyLU, a small GPT on the Europarl sample
 * split by language. Arrays of tables ({@code [[sim.workers]]}, {@code [[sim.faults]]}) are in
 * {@link TableReader}.
 */
public final class Schema {
    private static final double INF = Double.POSITIVE_INFINITY;
    /** What a codec key accepts (see {@link org.diloco4j.core.codec.Codecs}); the default chunk and block sizes are written out. */
    private static final String CODEC_FORMS = "fp32 (32 bits per value), fp16 or bf16 (16), int8[:chunk=N] (8 + 8192/N bits per value; N in "
            + Int8Codec.MIN_CHUNK + ".." + Int8Codec.MAX_CHUNK + ", default " + Int8Codec.DEFAULT_CHUNK
            + "), q4[:block=N] (uniform levels) or fp4[:block=N] (FP4 E3M0), both 4 + 32/N bits per value (N even, 2.." + Q4Codec.MAX_BLOCK
            + ", default " + Q4Codec.DEFAULT_BLOCK + "), or topk:F (F in (0, 1]: the share of values kept)";
    private static final Map<String, ConfigKey> KEYS = new LinkedHashMap<>();
    /** The arrays of tables a config may hold (read by {@link TableReader}). */
    static final Set<String> TABLE_ARRAYS = Set.of("sim.workers", "sim.faults");

    static {
        s("method", "async-dn-dylu", "training protocol", false, "ddp", "diloco", "async", "async-dn-dylu", "streaming");
        l("seed", 42, "seeds data order, initialisation, simulated jitter and drops", -INF, INF, false);
        i("workers", 4, "simulated workers when no [[sim.workers]] are listed", 1, 64, false);

        s(ModelPreset.KEY, ModelPreset.TINY.label(), "model size by name; sets model.layers, d_model, heads and context (gpt2-small also"
                + " data.tokenizer = gpt2) wherever the config does not set them itself: tiny 4 × d 128, context 128 (842k parameters with"
                + " bytes); small 8 × d 512, 8 heads, context 256 (25.2M in its blocks); gpt2-small GPT-2's 124M: 12 × d 768, 12 heads,"
                + " context 1024", false, ModelPreset.labels().toArray(String[]::new));
        i("model.layers", 4, "transformer blocks", 1, 96, false);
        i("model.d_model", 128, "embedding width", 8, 8192, false);
        i("model.heads", 4, "attention heads (must divide d_model)", 1, 128, false);
        i("model.context", 128, "tokens per training window", 2, 8192, false);
        s("model.init_from", "", "start θ from a Hugging Face GPT-2 model.safetensors, or a folder holding one (a finished run's, or"
                + " what 'diloco export' wrote), instead of the seed's random initialisation; its tensors must have this model's shapes"
                + " ('' = random init)", false);

        s("data.corpus", "europarl", "'europarl' (built in), or your own text: a path to a text file or to a folder of .txt/.md files", false);
        s("data.tokenizer", "bytes", "tokenizer", false, "bytes", "gpt2");
        s("data.shards", "non-iid", "how documents are split across workers (non-iid: by language, or by file)", false, "iid", "non-iid");
        s("data.split_rule", "auto", "what one document (held out or dealt to a worker whole) is in your own text: a file, a paragraph"
                + " (text between blank lines) or a line; auto: file for a folder of at least " + SplitRule.AUTO_MIN_FILES + " files and "
                + SplitRule.AUTO_FILES_PER_SHARD + " per worker, else paragraph (line if the text has no blank lines)", true,
                "file", "paragraph", "line");
        s("data.encoding", "auto", "how your text files' bytes are read: " + TextEncoding.FORMS
                + "; auto reads a file that is not UTF-8 as windows-1252 (or iso-8859-1) and says so", false);
        d("data.validation_fraction", 0.02, "share of documents held out for evaluation", 0.001, 0.5, false);
        i("data.eval_batches", 16, "held-out batches of train.batch windows per evaluation, the same at every one (docs/bench/eval-noise.md)",
                1, 10_000, false);
        s("data.eval_set", "report", "held-out documents scored: report (the validation set every run reports on) or tune (a disjoint set of the same size, also kept out of training, that sweeps choose hyper-parameters on)", false,
                "report", "tune");
        s("data.cache_dir", "", "token cache folder ('' = ~/.cache/diloco4j/tokens)", false);

        i("train.batch", 16, "sequences per inner step per worker", 1, 65_536, false);
        d("train.lr", 2e-3, "inner AdamW peak learning rate", 0, 10, false);
        l("train.warmup_steps", 50, "linear warmup, in steps of the run's clock (the run's tokens / (workers × batch × context): "
                + "every worker is at the same point of the schedule at the same moment, whatever its speed)", 0, INF, false);
        l("train.decay_steps", 0, "cosine decay length in steps of the run's clock (auto: what the token budget implies)", 0, INF, true);
        d("train.min_lr_ratio", 0.1, "floor of the cosine schedule, as a share of the peak", 0, 1, false);
        d("train.weight_decay", 0.1, "AdamW weight decay on matrices and embeddings", 0, 10, false);
        d("train.beta1", 0.9, "AdamW β1", 0, 0.999999, false);
        d("train.beta2", 0.95, "AdamW β2", 0, 0.999999, false);
        d("train.eps", 1e-8, "AdamW ε", 0, 1, false);
        d("train.grad_clip", 1.0, "global gradient-norm clip (0 disables)", 0, INF, false);
        d("train.dropout", 0.0, "residual dropout", 0, 0.9, false);
        s("train.precision", "fp32", "inner-loop arithmetic, θ and outer state staying fp32 (auto: bf16 autocast on cuda, fp32 on the cpu,"
                + " whose bf16 matmuls are slow without AVX-512)", true, "fp32", "bf16");
        i("train.threads", 0, "compute threads per trainer: each inner step is split over them (0 = all cores)", 0, 1024, false);
        s("train.device", "cpu", "cpu or cuda:N (cuda needs the CUDA build: DILOCO_CUDA=1 ./diloco, README 'CUDA')", false);
        l("train.token_budget", 3_000_000, "stop after this many tokens were trained by all workers", 1, INF, false);
        l("train.eval_every_tokens", 0, "evaluate the global model every so many tokens (auto: 20 times a run)", 0, INF, true);

        s("outer.optimizer", "auto", "outer optimizer (auto: delayed-nesterov for async-dn-dylu, sgd for ddp, nesterov otherwise)", true,
                "sgd", "nesterov", "momentum", "delayed-nesterov");
        d("outer.lr", 0.0, "outer learning rate η (auto, as tuned in EXPERIMENTS.md: 0.7, but 0.4 for async-dn-dylu and 0.05 for"
                + " naive async; ddp always 1)", 1e-9, 100, true);
        d("outer.momentum", 0.9, "outer momentum μ", 0, 0.999999, false);
        i("outer.buffer", 0, "Delayed Nesterov buffer N (auto: the number of workers)", 1, 1_000_000, true);
        d("outer.c", 0.0, "Delayed Nesterov share of momentum between updates, in [0, 1/N]", 0, 1, false);
        i("outer.inner_steps", 48, "H: inner steps per round (async: the fastest worker's)", 1, 1_000_000, false);
        s("outer.weights", "auto", "weights of pseudo-gradients (auto: shard-size for non-iid data, else uniform)", true, "uniform", "shard-size");
        // Was a switch for the exponent 0.5: old config files with true / false still read.
        put(new ConfigKey("outer.staleness_decay", DOUBLE, 0.0, "async: scale each pseudo-gradient by (1 + staleness)^-a, a this"
                + " exponent (0: no decay; 0.5: the inverse square root; true and false are read as 0.5 and 0)", List.of(), 0, 16, false,
                java.util.Map.of("true", 0.5, "false", 0.0)));
        l("outer.max_staleness", -1, "async: drop pseudo-gradients staler than this (-1: never)", -1, INF, false);
        s("outer.dylu", "auto", "async: Dynamic Local Updates (auto: on for async-dn-dylu)", true, "true", "false");
        i("outer.min_inner_steps", 1, "DyLU floor", 1, 1_000_000, false);
        s("outer.shard_assignment", "auto", "who trains on which shard (auto: least-sampled for async methods)", true, "own", "least-sampled");
        d("outer.grace_seconds", 0.0, "async: after a worker syncs, others finishing within this many seconds are held and restart"
                + " from the same θ (0: see outer.grace_share)", 0, INF, false);
        d("outer.grace_share", 0.0, "async, when outer.grace_seconds is 0: the grace period as a share of the fastest worker's"
                + " assignment (H / its measured steps per second), so it follows the run's speeds; a window also closes as soon as"
                + " nobody is still training (auto: 0.5 with outer.buffer_close = window, else 0)", 0, 100, true);
        s("outer.buffer_close", "arrivals", "async Delayed Nesterov: its momentum moves after every outer.buffer arrivals (arrivals, the paper)"
                + " or when each grace window closes (window: the window's pseudo-gradients are applied together and its workers restart"
                + " from one θ; auto: window for async-dn-dylu)", true, "arrivals", "window");
        s("outer.realign", "auto", "async DyLU with outer.buffer_close = window: a worker that restarts out of phase with the others is"
                + " given the steps that make it finish with them, so it rejoins their next window (auto: true with window)", true,
                "true", "false");
        i("outer.min_workers", 0, "workers needed before training starts (auto: all initial workers)", 1, 1_000_000, true);
        i("outer.quorum", 1, "sync: contributions needed to commit a round at its deadline", 1, 1_000_000, false);
        d("outer.round_deadline", 0.0, "sync: seconds after which a round commits with the quorum (0: wait for all)", 0, INF, false);
        s("outer.codec", "auto", "codec of pseudo-gradients: " + CODEC_FORMS + " (auto: int8, as EXPERIMENTS.md table c measured; ddp: fp32, its"
                + " gradients are not compressed)", true);
        s("outer.down_codec", "auto", "codec of θ sent to workers: fp32 (exact), bf16 (error ≤ 2^-8 |θ|) or fp16 (≤ 2^-11 |θ|; θ beyond ±65504"
                + " stops the run) (auto: bf16; ddp: fp32)", true);
        b("outer.error_feedback", false, "carry quantization error into the next pseudo-gradient (a round that does not reach θ is forgotten)");
        d("outer.max_delta_norm", 0.0, "reject pseudo-gradients with a larger L2 norm (0: the automatic absolute bound, an RMS of"
                + " 1000 per value: norm ≤ 1000 √n for a fragment of n values)", 0, INF, false);
        d("outer.norm_bound_factor", CoordinatorConfig.DEFAULT_NORM_BOUND_FACTOR, "reject a pseudo-gradient whose L2 norm exceeds this"
                + " many times the median of its fragment's last 32 accepted norms (0: no adaptive bound; 1 or more)", 0, 1e12, false);
        i("outer.norm_bound_warmup", CoordinatorConfig.DEFAULT_NORM_BOUND_WARMUP, "outer steps of a fragment before"
                + " outer.norm_bound_factor applies to its pushes (until then only the absolute bound does)", 0, 1_000_000, false);

        i("streaming.fragments", 4, "P: fragments synchronised on a staggered schedule (H must be a multiple)", 1, 10_000, false);
        s("streaming.layout", "strided", "which whole blocks form a fragment: strided (p, p+P, …) or sequential; leftover blocks and"
                + " the embeddings are shared out so fragments are of equal size", false, "sequential", "strided");
        i("streaming.overlap", 1, "τ: inner steps a worker keeps training before merging a fragment it sent", 0, 1_000_000, false);
        d("streaming.merge_alpha", 0.0, "α in θ_local ← α θ_local + (1−α) θ_global when a fragment's θ arrives (auto: 0 for non-iid"
                + " shards, where keeping a worker's own drift cost 7 % in EXPERIMENTS.md table d; 0.5, the paper's, for iid)", 0, 1, true);

        s("sim.heterogeneity", "very", "device speed spread when workers are generated", false, "none", "slight", "moderate", "very");
        d("sim.seconds_per_step", 1.0, "geometric mean of simulated seconds per inner step", 1e-6, INF, false);
        s("sim.network", "world", "links when workers are generated: world (continents apart) or datacenter", false, "world", "datacenter");
        d("sim.jitter", 0.05, "relative spread of each simulated step's time", 0, 0.99, false);
        d("sim.session_timeout", 30.0, "seconds without heartbeat before a worker is declared lost", 1e-6, INF, false);
        d("sim.max_seconds", 0.0, "stop after this many simulated seconds (0: no limit)", 0, INF, false);

        s("coordinator.theta_snapshots", "auto", "networked coordinator: where the encoded θ snapshots workers pull are kept: heap, file"
                + " (spool files, whose pages are the OS page cache, not the process's memory) or auto (the heap if it holds them beside"
                + " θ and the optimizer's state, else files)", false, "auto", "heap", "file");

        l("checkpoint.every_outer_steps", 0, "also save a checkpoint every so many outer steps (0: only at the end and on Ctrl-C)", 0, INF, false);

        i("report.every_outer_steps", 10, "rewrite report.html during a run every so many outer steps (0: only at the end)", 0, 1_000_000_000, false);
        d("report.every_seconds", 30.0, "or after so many seconds of real time, whichever comes first (0: no time trigger)", 0, INF, false);
        i("report.samples", 3, "continuations of report.sample_prompt sampled from the final global model (0: none)", 0, 100, false);
        s("report.sample_prompt", "Mr President, ", "text the samples continue ('' = the start of a new document)", false);
        i("report.sample_tokens", 200, "tokens generated per sample", 1, 100_000, false);
    }

    private Schema() {
    }

    private static void put(ConfigKey k) {
        KEYS.put(k.name(), k);
    }

    private static void i(String n, int def, String doc, double min, double max, boolean auto) {
        put(new ConfigKey(n, INT, auto ? ConfigKey.AUTO : def, doc, List.of(), min, max, auto));
    }

    private static void l(String n, long def, String doc, double min, double max, boolean auto) {
        put(new ConfigKey(n, LONG, auto ? ConfigKey.AUTO : def, doc, List.of(), min, max, auto));
    }

    private static void d(String n, double def, String doc, double min, double max, boolean auto) {
        put(new ConfigKey(n, DOUBLE, auto ? ConfigKey.AUTO : def, doc, List.of(), min, max, auto));
    }

    private static void b(String n, boolean def, String doc) {
        put(new ConfigKey(n, BOOL, def, doc, List.of(), 0, 0, false));
    }

    private static void s(String n, String def, String doc, boolean auto, String... choices) {
        put(new ConfigKey(n, STRING, auto ? ConfigKey.AUTO : def, doc, List.of(choices), -INF, INF, auto));
    }

    /**
     * Keys whose "auto" would change what a run saved before they existed did, with the value that
     * run had in effect (see {@link ConfigLoader#loadSaved}). Every key added with an "auto" default
     * that a saved run's behaviour depends on is listed here.
     */
    public static Map<String, Object> savedBefore() {
        return Map.of("outer.realign", "false");
    }

    /** All scalar keys in documentation order. */
    public static List<ConfigKey> keys() {
        return Collections.unmodifiableList(new ArrayList<>(KEYS.values()));
    }

    public static ConfigKey key(String name) {
        ConfigKey k = KEYS.get(name);
        if (k == null) throw new ConfigException("unknown config key '" + name + "'" + suggestion(name));
        return k;
    }

    public static boolean has(String name) {
        return KEYS.containsKey(name);
    }

    /** "; did you mean x?" for the closest known key, when one is close. */
    static String suggestion(String name) {
        String best = closest(name, KEYS.keySet());
        return best != null ? "; did you mean '" + best + "'?" : "";
    }

    /** "; did you mean [x]?" (or [[x]]) for the closest known section or array of tables, when one is close. */
    static String sectionSuggestion(String name) {
        Set<String> known = new TreeSet<>(TABLE_ARRAYS);
        for (ConfigKey k : KEYS.values()) if (!k.section().isEmpty()) known.add(k.section());
        String best = closest(name, known);
        if (best == null) return "";
        return TABLE_ARRAYS.contains(best) ? "; did you mean [[" + best + "]]?" : "; did you mean [" + best + "]?";
    }

    private static String closest(String name, Collection<String> candidates) {
        String best = null;
        int bestD = Integer.MAX_VALUE;
        for (String k : candidates) {
            int d = distance(name, k);
            if (d < bestD) {
                bestD = d;
                best = k;
            }
        }
        return best != null && bestD <= Math.max(2, name.length() / 4) ? best : null;
    }

    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) prev[j] = j;
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
