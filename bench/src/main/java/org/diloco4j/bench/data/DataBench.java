package org.diloco4j.bench.data;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.diloco4j.model.data.batch.BatchSource;
import org.diloco4j.model.data.batch.TokenBatch;
import org.diloco4j.model.data.corpus.Corpus;
import org.diloco4j.model.data.corpus.CorpusOptions;
import org.diloco4j.model.data.shard.ShardMode;
import org.diloco4j.model.data.text.Document;
import org.diloco4j.model.data.text.EuroparlCorpus;
import org.diloco4j.model.data.text.LanguageIdentifier;
import org.diloco4j.model.data.text.Split;
import org.diloco4j.model.data.token.ByteTokenizer;
import org.diloco4j.model.data.token.Gpt2Tokenizer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Data-path costs on the Europarl sample: tokenizers and language identification (per 1 MiB of
 * mixed-language text), one training batch of 16 x 128, and opening the cached corpus.
 * Run: {@code scripts/bench-jmh data 'DataBench' -f 1 -wi 3 -i 5}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class DataBench {
    private Path cache;
    private List<String> mib;
    private BatchSource batches;
    private final ByteTokenizer bytes = new ByteTokenizer();
    private final Gpt2Tokenizer gpt2 = new Gpt2Tokenizer();
    private final LanguageIdentifier languages = new LanguageIdentifier();

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        cache = Files.createTempDirectory("diloco4j-bench-cache");
        List<Document> docs = new ArrayList<>();
        new EuroparlCorpus().read(docs::add);
        // Every 17th document until 1 MiB of UTF-8: all languages, in corpus proportions.
        mib = new ArrayList<>();
        long size = 0;
        for (int i = 0; size < (1 << 20); i = (i + 17) % docs.size()) {
            String t = docs.get(i).text();
            mib.add(t);
            size += t.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
        }
        Corpus corpus = openEuroparl();
        Split split = corpus.split(0.05, 1);
        batches = corpus.trainBatches(corpus.shards(split, 4, ShardMode.NON_IID, 1).shards().get(0), 16, 128, 1);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        try (java.util.stream.Stream<Path> files = Files.walk(cache)) {
            for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) Files.delete(p);
        }
    }

    private Corpus openEuroparl() {
        return Corpus.load(CorpusOptions.of("europarl").withCacheDir(cache).withLog(m -> { }));
    }

    @Benchmark
    public long bytesEncodeMiB() {
        long n = 0;
        for (String t : mib) n += bytes.encode(t).length;
        return n;
    }

    @Benchmark
    public long gpt2EncodeMiB() {
        long n = 0;
        for (String t : mib) n += gpt2.encode(t).length;
        return n;
    }

    @Benchmark
    public int languageIdMiB() {
        int h = 0;
        for (String t : mib) h += languages.identify(t).hashCode();
        return h;
    }

    @Benchmark
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public TokenBatch trainBatch16x128() {
        return batches.next();
    }

    /** Cache hit: validate checksums of the 19 MB token file and map it. */
    @Benchmark
    public Corpus openCachedEuroparl() {
        return openEuroparl();
    }

    /** Cold build: read, identify languages, tokenize with bytes, write, validate. */
    @Benchmark
    @BenchmarkMode(Mode.SingleShotTime)
    @OutputTimeUnit(TimeUnit.SECONDS)
    public Corpus buildEuroparlBytes() {
        try {
            Path fresh = Files.createTempDirectory(cache, "cold");
            return Corpus.load(CorpusOptions.of("europarl").withCacheDir(fresh).withLog(m -> { }));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
