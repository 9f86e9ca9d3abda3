package org.diloco4j.model.data.corpus;

import org.diloco4j.model.data.DataException;
import org.diloco4j.model.data.TestData;
import org.diloco4j.model.data.batch.ListBatchSource;
import org.diloco4j.model.data.batch.TokenBatch;
import org.diloco4j.model.data.shard.Shard;
import org.diloco4j.model.data.shard.ShardMode;
import org.diloco4j.model.data.shard.ShardPlan;
import org.diloco4j.model.data.text.Split;
import org.diloco4j.model.data.text.SplitRule;
import org.diloco4j.model.data.text.TextEncoding;
import org.diloco4j.model.data.token.CacheStatus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The facade end to end on a folder of text files, as the app uses it. */
class CorpusTest {
    @TempDir
    Path dir;

    private Path folder() throws IOException {
        Path root = Files.createDirectories(dir.resolve("texts"));
        for (String name : List.of("alpha", "beta", "gamma")) {
            StringBuilder sb = new StringBuilder();
            for (int p = 0; p < 40; p++) sb.append(name).append(" paragraph ").append(p).append(" ").append("x".repeat(60)).append("\n\n");
            Files.writeString(root.resolve(name + ".txt"), sb.toString());
        }
        return root;
    }

    @Test
    void folderByParagraphsWithNonIidShardsPerFile() throws IOException {
        List<String> log = new ArrayList<>();
        CorpusOptions opts = CorpusOptions.of(folder().toString()).withCacheDir(dir.resolve("cache"))
                .withSplitRule(SplitRule.PARAGRAPH).withLog(log::add);
        Corpus c = Corpus.load(opts);
        assertThat(c.documents().size()).isEqualTo(120);
        assertThat(c.groupKind()).isEqualTo("file");
        assertThat(c.stats().groups()).extracting(CorpusStats.Group::name).containsExactlyInAnyOrder("alpha.txt", "beta.txt", "gamma.txt");
        assertThat(c.stats().group("beta.txt").documents()).isEqualTo(40);
        assertThatThrownBy(() -> c.stats().group("delta.txt")).hasMessage("no file 'delta.txt' in this corpus");
        Split split = c.split(0.1, 1);
        ShardPlan plan = c.shards(split, 3, ShardMode.NON_IID, 1);
        assertThat(plan.shards()).extracting(s -> s.groups().get(0)).containsExactlyInAnyOrder("alpha.txt", "beta.txt", "gamma.txt");
        for (Shard s : plan.shards()) {
            String word = s.groups().get(0).replace(".txt", "");
            TokenBatch b = c.trainBatches(s, 2, 64, 7).next();
            String text = c.tokenizer().decode(b.inputs());
            for (String other : List.of("alpha", "beta", "gamma")) {
                if (!other.equals(word)) assertThat(text).doesNotContain(other);
            }
        }
        assertThat(c.validationBatches(split, 2, 32, 2)).hasSize(2);
        assertThat(Corpus.load(opts).cacheStatus()).isEqualTo(CacheStatus.HIT);
        assertThat(Corpus.load(opts.withSplitRule(SplitRule.FILE)).documents().size()).isEqualTo(3);
        assertThat(c.toString()).contains("texts", "bytes", "120 documents");
    }

    @Test
    void editingAFileRebuildsTheCacheWithTheNewText() throws IOException {
        Path root = folder();
        CorpusOptions opts = CorpusOptions.of(root.toString()).withCacheDir(dir.resolve("cache")).withLog(m -> { });
        Corpus before = Corpus.load(opts);
        Files.writeString(root.resolve("beta.txt"), "rewritten beta");
        Corpus after = Corpus.load(opts);
        assertThat(after.cacheStatus()).isEqualTo(CacheStatus.BUILT);
        assertThat(after.cacheFile()).isNotEqualTo(before.cacheFile());
        assertThat(after.text(1)).isEqualTo("rewritten beta");
        assertThat(before.text(1)).startsWith("beta paragraph 0");
    }

    /**
     * A Latin-1 or Windows text file trains without conversion: its tokens are exactly those of the
     * file converted to UTF-8 by iconv, for both tokenizers, and the encoding is part of the cache key.
     */
    @Test
    void nonUtf8FileGivesTheTokensOfItsIconvConversion() throws Exception {
        String latin = "Ch\u00e2teau d'If\n\n\u00ab Mon Dieu ! \u00bb dit Dant\u00e8s, \u00e0 la fen\u00eatre.\n\nSo\u00df und \u00fcber \u00bd.\n";
        String windows = latin + "\n\u201cIt\u2019s 5 \u20ac\u201d \u2013 he said\u2026\n";
        for (String[] c : new String[][] {{latin, "ISO-8859-1"}, {windows, "WINDOWS-1252"}}) {
            Path file = dir.resolve(c[1] + ".txt");
            Files.write(file, c[0].getBytes(java.nio.charset.Charset.forName(c[1])));
            Path converted = dir.resolve(c[1] + "-utf8.txt");
            Process iconv = new ProcessBuilder("iconv", "-f", c[1], "-t", "UTF-8", file.toString())
                    .redirectOutput(converted.toFile()).redirectErrorStream(false).start();
            assertThat(iconv.waitFor()).as("iconv exit code").isZero();
            for (String tokenizer : List.of("bytes", "gpt2")) {
                List<String> log = new ArrayList<>();
                Corpus raw = Corpus.load(CorpusOptions.of(file.toString()).withCacheDir(dir.resolve("cache")).withTokenizer(tokenizer)
                        .withSplitRule(SplitRule.PARAGRAPH).withLog(log::add));
                Corpus utf8 = Corpus.load(CorpusOptions.of(converted.toString()).withCacheDir(dir.resolve("cache")).withTokenizer(tokenizer)
                        .withSplitRule(SplitRule.PARAGRAPH).withLog(m -> { }));
                assertThat(raw.documents().size()).isEqualTo(c[1].equals("ISO-8859-1") ? 3 : 4);
                assertThat(tokens(raw)).as(c[1] + " " + tokenizer).containsExactly(tokens(utf8));
                assertThat(raw.notes()).singleElement().asString()
                        .isEqualTo("1 file is not UTF-8 and was read as windows-1252 (data.encoding = auto): " + file.getFileName()
                                + " (0xE2 at byte offset 2)");
                assertThat(log).noneMatch(m -> m.contains("not UTF-8"));   // notes are the caller's to show, once per run
                Corpus fixed = Corpus.load(CorpusOptions.of(file.toString()).withCacheDir(dir.resolve("cache")).withTokenizer(tokenizer)
                        .withSplitRule(SplitRule.PARAGRAPH).withEncoding(TextEncoding.parse(c[1])).withLog(m -> { }));
                assertThat(fixed.cacheFile()).isNotEqualTo(raw.cacheFile());
                assertThat(tokens(fixed)).containsExactly(tokens(utf8));
                assertThat(fixed.notes()).isEmpty();
            }
        }
    }

    private static int[] tokens(Corpus c) {
        int[] t = new int[Math.toIntExact(c.tokens().size())];
        c.tokens().copy(0, t, 0, t.length);
        return t;
    }

    @Test
    void gpt2TokenizedFolder() throws IOException {
        Corpus c = Corpus.load(CorpusOptions.of(folder().toString()).withCacheDir(dir.resolve("cache"))
                .withTokenizer("gpt2").withLog(m -> { }));
        assertThat(c.tokenizer().vocabSize()).isEqualTo(50257);
        assertThat(c.text(0)).startsWith("alpha paragraph 0 xxxx");
        assertThat(c.tokens().get(c.documents().start(1) - 1)).isEqualTo(50256);
        c.checkVocab(50304);
        assertThatThrownBy(() -> c.checkVocab(256)).isInstanceOf(DataException.class)
                .hasMessage("tokenizer gpt2 has 50257 ids but the model's vocabulary holds 256");
    }

    @Test
    void corpusSmallerThanOneBatchIsAnError() {
        Corpus c = TestData.load(TestData.documents(2, 50, "g"), dir.resolve("cache"));
        long n = c.tokens().size();
        c.checkBatch(1, (int) n - 1);
        assertThatThrownBy(() -> c.checkBatch(2, 64)).isInstanceOf(DataException.class)
                .hasMessage("corpus test holds " + n + " tokens, fewer than one batch (2 x 64 + 1 = 129)");
    }

    @Test
    void listBatchSourceCyclesAndSeeks() {
        TokenBatch a = new TokenBatch(1, 2, new int[] {1, 2}, new int[] {2, 3});
        TokenBatch b = new TokenBatch(1, 2, new int[] {4, 5}, new int[] {5, 6});
        ListBatchSource src = new ListBatchSource(List.of(a, b));
        assertThat(List.of(src.next(), src.next(), src.next())).containsExactly(a, b, a);
        src.seek(1);
        assertThat(src.next()).isSameAs(b);
        assertThat(src.position()).isEqualTo(2);
        assertThatThrownBy(() -> new ListBatchSource(List.of())).hasMessage("a batch list needs at least one batch");
    }

    @Test
    void contextLongerThanTheModelsIsAnError() {
        Corpus.checkContext(128, 128);
        assertThatThrownBy(() -> Corpus.checkContext(256, 128)).isInstanceOf(DataException.class)
                .hasMessage("context length 256 is longer than the model's context 128; use a context of at most 128");
        assertThatThrownBy(() -> Corpus.checkContext(0, 128)).hasMessage("context length 0 must be at least 1");
    }
}
