package org.diloco4j.model.data.corpus;

import org.diloco4j.model.data.DataException;
import org.diloco4j.model.data.Mix;
import org.diloco4j.model.data.batch.BatchChecks;
import org.diloco4j.model.data.batch.BatchSource;
import org.diloco4j.model.data.batch.EvalSet;
import org.diloco4j.model.data.batch.RandomWindowSource;
import org.diloco4j.model.data.batch.TokenBatch;
import org.diloco4j.model.data.batch.ValidationBatches;
import org.diloco4j.model.data.shard.Shard;
import org.diloco4j.model.data.shard.ShardMode;
import org.diloco4j.model.data.shard.ShardPlan;
import org.diloco4j.model.data.shard.Sharder;
import org.diloco4j.model.data.text.DocumentList;
import org.diloco4j.model.data.text.DocumentSource;
import org.diloco4j.model.data.text.DocumentTable;
import org.diloco4j.model.data.text.Holdout;
import org.diloco4j.model.data.text.Split;
import org.diloco4j.model.data.token.CacheStatus;
import org.diloco4j.model.data.token.TokenArray;
import org.diloco4j.model.data.token.TokenCache;
import org.diloco4j.model.data.token.TokenStream;
import org.diloco4j.model.data.token.Tokenizer;
import org.diloco4j.model.data.token.Tokenizers;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

/**
 * The data facade the trainer and the app use: a tokenized corpus (memory-mapped from the token
 * cache) and the operations on it.
 * <pre>{@code
 * Corpus corpus = Corpus.load("europarl");                    // or a path; bytes tokenizer by default
 * Split split = corpus.split(0.05, seed);                     // whole documents held out
 * ShardPlan plan = corpus.shards(split, k, ShardMode.NON_IID, seed);
 * BatchSource train = corpus.trainBatches(plan.shards().get(i), batch, context, seed);
 * List<TokenBatch> val = corpus.validationBatches(split, batch, context, 20);
 * }</pre>
 * Everything is deterministic in its arguments. A corpus is immutable and safe to share between
 * workers; each {@link BatchSource} belongs to one worker.
 */
public final class Corpus {
    private final Tokenizer tokenizer;
    private final TokenCache.Loaded loaded;

    private Corpus(Tokenizer tokenizer, TokenCache.Loaded loaded) {
        this.tokenizer = tokenizer;
        this.loaded = loaded;
    }

    /** Loads {@code europarl} or a path with default options (see {@link CorpusOptions#of}). */
    public static Corpus load(String spec) {
        return load(CorpusOptions.of(spec));
    }

    public static Corpus load(CorpusOptions options) {
        Tokenizer t = Tokenizers.byName(options.tokenizer());
        return load(options.source(), t, options.cacheDir(), options.log());
    }

    /** Loads any document source, e.g. a {@link DocumentList} in tests. */
    public static Corpus load(DocumentSource source, Tokenizer tokenizer, Path cacheDir, Consumer<String> log) {
        return new Corpus(tokenizer, new TokenCache(cacheDir, log).load(source, tokenizer));
    }

    public String name() {
        return loaded.meta().source();
    }

    /** What groups are: {@code language} (europarl) or {@code file}. */
    public String groupKind() {
        return loaded.meta().groupKind();
    }

    public Tokenizer tokenizer() {
        return tokenizer;
    }

    public DocumentTable documents() {
        return loaded.documents();
    }

    /** All tokens, every document followed by end-of-text. */
    public TokenArray tokens() {
        return loaded.tokens();
    }

    public Path cacheFile() {
        return loaded.file();
    }

    public CacheStatus cacheStatus() {
        return loaded.status();
    }

    /**
     * Remarks from reading the source (skipped, repaired or re-encoded input), kept in the cache file
     * so a cache hit has them too; they are not logged, so every run can show them once.
     */
    public List<String> notes() {
        return loaded.meta().notes();
    }

    /** Documents, bytes and tokens per group (per language for europarl). */
    public CorpusStats stats() {
        return CorpusStats.of(groupKind(), documents());
    }

    /** A document's text, decoded from its tokens (without the end-of-text token). */
    public String text(int doc) {
        DocumentTable t = documents();
        int[] ids = new int[Math.toIntExact(t.tokens(doc) - 1)];
        tokens().copy(t.start(doc), ids, 0, ids.length);
        return tokenizer.decode(ids);
    }

    /** Holds out whole documents for validation by a hash of (seed, document id); see {@link Holdout}. */
    public Split split(double validationFraction, long seed) {
        return Holdout.split(documents(), validationFraction, seed);
    }

    /**
     * As {@link #split(double, long)}, holding out more documents (by the same hash order) when the
     * fraction gives fewer than {@code minValidationTokens} tokens, up to half the corpus.
     */
    public Split split(double validationFraction, long seed, long minValidationTokens) {
        return Holdout.split(documents(), validationFraction, seed, minValidationTokens);
    }

    /**
     * The split a run of {@code set} trains and is scored on: the validation split above, or for a
     * tuning run a disjoint tuning set of the same size taken from its training documents ({@link Holdout#tune}).
     */
    public Split split(double validationFraction, long seed, long minValidationTokens, EvalSet set) {
        Split report = split(validationFraction, seed, minValidationTokens);
        return set == EvalSet.REPORT ? report : Holdout.tune(documents(), report);
    }

    /** Deals the training documents of {@code split} to {@code k} shards. */
    public ShardPlan shards(Split split, int k, ShardMode mode, long seed) {
        return Sharder.plan(documents(), split.train(), k, mode, seed);
    }

    /**
     * An endless stream of training batches from one shard. The stream's seed mixes {@code seed} with
     * the shard index, so workers given the same run seed still draw different windows.
     */
    public BatchSource trainBatches(Shard shard, int batch, int context, long seed) {
        return new RandomWindowSource(new TokenStream(tokens(), documents(), shard.documents()), batch, context,
                Mix.hash(seed, shard.index()), "shard " + shard.index() + " (" + shard.label() + ")");
    }

    /** {@code count} fixed validation batches spread evenly over the held-out documents. */
    public List<TokenBatch> validationBatches(Split split, int batch, int context, int count) {
        if (split.validation().length == 0) {
            throw new DataException("validation split is empty (validation fraction " + split.validationFraction() + ")");
        }
        return ValidationBatches.build(new TokenStream(tokens(), documents(), split.validation()), batch, context, count);
    }

    /** Throws unless the whole corpus holds at least one batch of {@code batch x context} (+1) tokens. */
    public void checkBatch(int batch, int context) {
        BatchChecks.checkShape(batch, context);
        long need = (long) batch * context + 1;
        if (tokens().size() < need) {
            throw new DataException("corpus " + name() + " holds " + String.format("%,d", tokens().size())
                    + " tokens, fewer than one batch (" + batch + " x " + context + " + 1 = " + String.format("%,d", need) + ")");
        }
    }

    /** Throws unless every token id fits the model's embedding table. */
    public void checkVocab(int modelVocab) {
        if (tokenizer.vocabSize() > modelVocab) {
            throw new DataException("tokenizer " + tokenizer.name() + " has " + tokenizer.vocabSize()
                    + " ids but the model's vocabulary holds " + modelVocab);
        }
    }

    /** Throws unless batches of {@code context} tokens fit a model with {@code modelContext} positions. */
    public static void checkContext(int context, int modelContext) {
        if (context < 1) throw new DataException("context length " + context + " must be at least 1");
        if (context > modelContext) {
            throw new DataException("context length " + context + " is longer than the model's context " + modelContext
                    + "; use a context of at most " + modelContext);
        }
    }

    @Override
    public String toString() {
        return "Corpus[" + name() + ", " + tokenizer.name() + ", " + documents().size() + " documents, "
                + tokens().size() + " tokens, groups " + Arrays.toString(documents().groupNames().toArray()) + "]";
    }
}
