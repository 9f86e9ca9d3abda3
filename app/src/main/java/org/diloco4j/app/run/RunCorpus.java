package org.diloco4j.app.run;

import org.diloco4j.app.config.ConfigException;
import org.diloco4j.app.config.RunConfig;
import org.diloco4j.app.report.Fmt;
import org.diloco4j.core.coord.Method;
import org.diloco4j.model.data.batch.EvalSet;
import org.diloco4j.model.data.corpus.Corpus;
import org.diloco4j.model.data.corpus.CorpusOptions;
import org.diloco4j.model.data.shard.Shard;
import org.diloco4j.model.data.shard.ShardMode;
import org.diloco4j.model.data.shard.ShardPlan;
import org.diloco4j.model.data.text.DocumentSource;
import org.diloco4j.model.data.text.Split;
import org.diloco4j.model.data.text.SplitRule;
import org.diloco4j.model.data.text.TextEncoding;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * The data of a run, from its {@code data.*} keys: the corpus, announced in one line (what it is and
 * how it was cut into documents, plus a line for every file read in another encoding), the validation
 * split and the workers' shards. Data too small for the run is found here, before training, and the
 * message names the key to change and a value that works, tried on this corpus.
 */
final class RunCorpus {
    private RunCorpus() {
    }

    /** Loads (or tokenizes and caches) the corpus and says what it is. */
    static Corpus load(RunConfig cfg, Consumer<String> log) {
        Corpus c = Corpus.load(options(cfg).withLog(log));
        log.accept(describe(c, cfg));
        for (String note : c.notes()) log.accept("corpus: " + note);
        return c;
    }

    private static CorpusOptions options(RunConfig cfg) {
        String cache = cfg.str("data.cache_dir");
        CorpusOptions o = CorpusOptions.of(cfg.str("data.corpus")).withTokenizer(cfg.str("data.tokenizer"))
                .withSplitRule(rule(cfg)).withEncoding(TextEncoding.parse(cfg.str("data.encoding")));
        return cache.isEmpty() ? o : o.withCacheDir(Path.of(cache));
    }

    /** E.g. {@code corpus: my.txt, 1 file split into 4,212 paragraphs (data.split_rule = paragraph), 1.03M bytes tokens}. */
    private static String describe(Corpus c, RunConfig cfg) {
        String tokens = Fmt.tokens(c.tokens().size()) + " " + c.tokenizer().name() + " tokens";
        if (!textFiles(c)) {
            return String.format(Locale.ROOT, "corpus: %s (built in), %,d documents grouped by %s, %s", c.name(), c.documents().size(),
                    c.groupKind(), tokens);
        }
        SplitRule rule = rule(cfg);
        int files = c.documents().groupNames().size();
        String how = rule == SplitRule.FILE ? ", one document each" : " split into " + units(c.documents().size(), rule);
        return "corpus: " + cfg.str("data.corpus") + ", " + units(files, SplitRule.FILE) + how + " (data.split_rule = " + rule.label() + "), " + tokens;
    }

    /**
     * Holds out whole documents for validation: the share data.validation_fraction asks for, or, when
     * that is too little to fill the evaluation batches, more (up to half the corpus), with a line saying so.
     */
    static Split split(Corpus c, RunConfig cfg, Consumer<String> log) {
        int docs = c.documents().size();
        if (docs < 2) {
            throw new ConfigException(c.name() + " has " + units(docs, c, cfg) + ruleNote(c, cfg)
                    + ", and holding out a validation set needs at least 2" + useOrAddText(finerRule(c, cfg, 2)));
        }
        double fraction = cfg.dbl("data.validation_fraction");
        long seed = cfg.lng("seed");
        int batch = cfg.integer("train.batch");
        int context = cfg.integer("model.context");
        int evalBatches = cfg.integer("data.eval_batches");
        long need = (long) evalBatches * batch * context + 1;
        Split s = c.split(fraction, seed, need, EvalSet.parse(cfg.str("data.eval_set")));
        long windows = windows(s.validationTokens(), context);
        String of = count(s.validation().length) + " of " + units(docs, c, cfg) + ", " + count(s.validationTokens()) + " tokens";
        if (windows >= (long) evalBatches * batch) {
            if (s.validation().length > c.split(fraction, seed).validation().length) {
                log.accept(String.format(Locale.ROOT, "corpus: %s (%.1f%%) held out for validation, more than data.validation_fraction = %s,"
                        + " to fill data.eval_batches = %d (batches of %d × %d)", of, 100.0 * s.validationTokens() / c.tokens().size(),
                        fraction, evalBatches, batch, context));
            }
            return s;
        }
        String fix = windows >= batch ? "data.eval_batches = " + windows / batch
                : windows >= 1 ? "data.eval_batches = 1 and train.batch = " + windows : null;
        throw new ConfigException("the validation set of " + c.name() + " (" + of + ", the most that leaves half the corpus for training)"
                + " holds fewer than data.eval_batches × train.batch × model.context + 1 = " + evalBatches + " × " + batch + " × "
                + context + " + 1 = " + count(need) + " tokens" + useOrAddText(fix));
    }

    /**
     * Deals the training documents to {@code k} shards, after checking every worker can draw a batch:
     * each shard must hold train.batch × model.context + 1 tokens (DDP draws k times that from all of them).
     */
    static ShardPlan shards(Corpus c, Split s, int k, RunConfig cfg) {
        long seed = cfg.lng("seed");
        ShardMode mode = ShardMode.parse(cfg.str("data.shards"));
        int batch = cfg.integer("train.batch");
        int context = cfg.integer("model.context");
        boolean ddp = Method.parse(cfg.str("method")) == Method.DDP;
        int rows = ddp ? k * batch : batch;
        int train = s.train().length;
        if (train < k) {
            List<String> fixes = new ArrayList<>();
            // A finer cut deals the same tokens in more pieces: suggested when it gives every worker two documents and twice a batch.
            String finer = s.trainTokens() >= 2L * k * ((long) batch * context + 1) ? finerRule(c, cfg, 2 * (k + 1)) : null;
            if (finer != null) fixes.add(finer);
            int fewer = fewerWorkers(c, s, k, mode, seed, batch, context, ddp);
            if (fewer >= 1) fixes.add("workers = " + fewer);
            throw new ConfigException(c.name() + " has " + units(train, c, cfg) + " to train on" + ruleNote(c, cfg) + " but the run has " + k
                    + " workers, and each worker's shard needs at least one whole document"
                    + useOrAddText(fixes.isEmpty() ? null : String.join(", or ", fixes)));
        }
        ShardPlan plan = c.shards(s, k, mode, seed);
        Shard smallest = plan.shards().stream().min(Comparator.comparingLong(Shard::tokens)).orElseThrow();
        long have = ddp ? plan.totalTokens() : smallest.tokens();
        if (have >= (long) rows * context + 1) return plan;
        List<String> fixes = new ArrayList<>();
        long fitBatch = (have - 1) / ((long) context * (ddp ? k : 1));
        if (fitBatch >= 1) fixes.add("train.batch = " + fitBatch);
        if (!ddp && mode == ShardMode.NON_IID && fits(c.shards(s, k, ShardMode.IID, seed), rows, context)) fixes.add("data.shards = iid");
        int fewer = fewerWorkers(c, s, k, mode, seed, batch, context, ddp);
        if (fewer >= 1) fixes.add("workers = " + fewer);
        String what = ddp ? "the training documents (" + count(have) + " tokens) hold" : "shard " + smallest.index() + " ("
                + smallest.label() + ", " + count(have) + " tokens) holds";
        String formula = ddp ? "workers × train.batch × model.context + 1 = " + k + " × " + batch + " × " + context
                : "train.batch × model.context + 1 = " + batch + " × " + context;
        throw new ConfigException(what + " less than one batch of " + formula + " + 1 = " + count((long) rows * context + 1)
                + " tokens" + useOrAddText(fixes.isEmpty() ? null : String.join(", or ", fixes)));
    }

    private static boolean fits(ShardPlan plan, int rows, int context) {
        return plan.shards().stream().allMatch(sh -> sh.tokens() >= (long) rows * context + 1);
    }

    /** The most workers below k whose shards each hold a batch (DDP: whose batches together fit the training tokens), or 0. */
    private static int fewerWorkers(Corpus c, Split s, int k, ShardMode mode, long seed, int batch, int context, boolean ddp) {
        for (int w = Math.min(k - 1, s.train().length); w >= 1; w--) {
            boolean ok = ddp ? s.trainTokens() >= (long) w * batch * context + 1 : fits(c.shards(s, w, mode, seed), batch, context);
            if (ok) return w;
        }
        return 0;
    }

    /** Non-overlapping validation windows of context + 1 tokens a stream of {@code tokens} holds (as ValidationBatches cuts them). */
    private static long windows(long tokens, int context) {
        return tokens <= context ? 0 : (tokens - 1) / context;
    }

    /**
     * "data.split_rule = paragraph (4,212 paragraphs)": the first rule finer than the current one that
     * cuts this corpus into at least {@code atLeast} documents (counted by reading it), or null.
     */
    private static String finerRule(Corpus c, RunConfig cfg, int atLeast) {
        if (!textFiles(c)) return null;
        for (SplitRule r : List.of(SplitRule.PARAGRAPH, SplitRule.LINE)) {
            if (r.ordinal() <= rule(cfg).ordinal()) continue;
            DocumentSource src = options(cfg).withSplitRule(r).withLog(m -> { }).source();
            int n = src.read(d -> { }).documents();
            if (n >= atLeast) return "data.split_rule = " + r.label() + " (" + units(n, r) + ")";
        }
        return null;
    }

    /** ": use X", or, when nothing in the config helps, that the corpus is too small. */
    private static String useOrAddText(String fix) {
        return fix != null ? ": use " + fix : "; the corpus is too small for this run: add text, or use a smaller train.batch or model.context";
    }

    private static String ruleNote(Corpus c, RunConfig cfg) {
        return textFiles(c) ? " (data.split_rule = " + rule(cfg).label() + ")" : "";
    }

    private static boolean textFiles(Corpus c) {
        return c.groupKind().equals("file");
    }

    private static SplitRule rule(RunConfig cfg) {
        return SplitRule.parse(cfg.str("data.split_rule"));
    }

    private static String units(int n, Corpus c, RunConfig cfg) {
        return textFiles(c) ? units(n, rule(cfg)) : count(n) + (n == 1 ? " document" : " documents");
    }

    private static String units(int n, SplitRule rule) {
        return count(n) + " " + rule.label() + (n == 1 ? "" : "s");
    }

    private static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }
}
