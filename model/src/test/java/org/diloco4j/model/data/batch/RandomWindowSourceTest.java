package org.diloco4j.model.data.batch;

import org.diloco4j.model.data.DataException;
import org.diloco4j.model.data.TestData;
import org.diloco4j.model.data.corpus.Corpus;
import org.diloco4j.model.data.shard.Shard;
import org.diloco4j.model.data.shard.ShardMode;
import org.diloco4j.model.data.shard.ShardPlan;
import org.diloco4j.model.data.text.Document;
import org.diloco4j.model.data.text.DocumentList;
import org.diloco4j.model.data.text.DocumentTable;
import org.diloco4j.model.data.text.Split;
import org.diloco4j.model.data.token.ArrayTokens;
import org.diloco4j.model.data.token.ByteTokenizer;
import org.diloco4j.model.data.token.TokenArray;
import org.diloco4j.model.data.token.TokenStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RandomWindowSourceTest {
    @TempDir
    Path cache;

    /** Groups whose text is one repeated letter, so every token reveals the group it came from. */
    private Corpus lettered() {
        List<Document> docs = new ArrayList<>();
        String[] letters = {"a", "b", "c"};
        for (int i = 0; i < 60; i++) {
            String l = letters[i % 3];
            docs.add(new Document("doc" + i, l, l.repeat(50 + i)));
        }
        return TestData.load(new DocumentList("letters", "group", docs), cache);
    }

    private static int[] stream(Corpus c, int[] docs) {
        List<Integer> out = new ArrayList<>();
        for (int d : docs) {
            for (long t = 0; t < c.documents().tokens(d); t++) out.add(c.tokens().get(c.documents().start(d) + t));
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    private static boolean containsWindow(int[] stream, int[] window) {
        outer:
        for (int o = 0; o + window.length <= stream.length; o++) {
            for (int i = 0; i < window.length; i++) if (stream[o + i] != window[i]) continue outer;
            return true;
        }
        return false;
    }

    @Test
    void rowsAreShiftedWindowsOfTheShardOnly() {
        Corpus c = lettered();
        Split split = c.split(0.2, 5);
        ShardPlan plan = c.shards(split, 3, ShardMode.NON_IID, 5);
        for (Shard shard : plan.shards()) {
            int letter = shard.groups().get(0).charAt(0);
            int[] s = stream(c, shard.documents());
            BatchSource src = c.trainBatches(shard, 4, 16, 11);
            for (int n = 0; n < 10; n++) {
                TokenBatch b = src.next();
                assertThat(b.batch()).isEqualTo(4);
                assertThat(b.context()).isEqualTo(16);
                for (int r = 0; r < 4; r++) {
                    int[] row = new int[17];
                    System.arraycopy(b.inputs(), r * 16, row, 0, 16);
                    row[16] = b.targets()[r * 16 + 15];
                    for (int t = 0; t < 15; t++) assertThat(b.targets()[r * 16 + t]).isEqualTo(b.inputs()[r * 16 + t + 1]);
                    assertThat(containsWindow(s, row)).isTrue();
                    for (int v : row) assertThat(v).isIn(letter, ByteTokenizer.END_OF_TEXT);
                }
            }
        }
    }

    @Test
    void seekReplaysExactlyAndSeedsMatter() {
        Corpus c = lettered();
        Shard shard = c.shards(c.split(0.2, 5), 1, ShardMode.IID, 5).shards().get(0);
        BatchSource src = c.trainBatches(shard, 3, 8, 1);
        List<TokenBatch> first = new ArrayList<>();
        for (int i = 0; i < 6; i++) first.add(src.next());
        assertThat(src.position()).isEqualTo(6);
        src.seek(2);
        assertThat(src.position()).isEqualTo(2);
        for (int i = 2; i < 6; i++) assertThat(src.next()).usingRecursiveComparison().isEqualTo(first.get(i));
        BatchSource fresh = c.trainBatches(shard, 3, 8, 1);
        fresh.seek(4);
        assertThat(fresh.next()).usingRecursiveComparison().isEqualTo(first.get(4));
        BatchSource other = c.trainBatches(shard, 3, 8, 2);
        boolean differs = false;
        for (int i = 0; i < 6; i++) differs |= !Arrays.equals(other.next().inputs(), first.get(i).inputs());
        assertThat(differs).isTrue();
        assertThatThrownBy(() -> src.seek(-1)).hasMessage("batch position -1 must be >= 0");
    }

    @Test
    void offsetsCoverTheWholeShardUniformly() {
        // Token i holds the value i, so a row's first input is its window's offset.
        int n = 101;
        TokenArray tokens = new ArrayTokens(java.util.stream.IntStream.range(0, n).toArray());
        DocumentTable table = new DocumentTable(new String[] {"d"}, new int[] {0}, new long[] {0}, new long[] {n},
                new long[] {n}, List.of("g"));
        RandomWindowSource src = new RandomWindowSource(new TokenStream(tokens, table, new int[] {0}), 100, 1, 3, "t");
        int[] hits = new int[n];
        for (int i = 0; i < 200; i++) {
            TokenBatch b = src.next();
            for (int r = 0; r < 100; r++) {
                assertThat(b.targets()[r]).isEqualTo(b.inputs()[r] + 1);
                hits[b.inputs()[r]]++;
            }
        }
        // 20,000 draws over the 100 offsets 0..99 (offset 100 would need a token 101): ~200 each.
        assertThat(hits[100]).isZero();
        for (int o = 0; o < 100; o++) assertThat(hits[o]).as("offset " + o).isBetween(130, 270);
    }

    @Test
    void shardSmallerThanOneBatchIsAnError() {
        Corpus c = TestData.load(TestData.documents(2, 100, "g"), cache);
        Shard shard = c.shards(c.split(0, 1), 2, ShardMode.IID, 1).shards().get(0);
        long tokens = shard.tokens();
        assertThatThrownBy(() -> c.trainBatches(shard, 4, 64, 1)).isInstanceOf(DataException.class)
                .hasMessage("shard 0 (iid) holds " + tokens + " tokens, fewer than one batch (4 x 64 + 1 = 257);"
                        + " use a larger corpus or shard, fewer workers, or a smaller batch or context");
        assertThatThrownBy(() -> c.trainBatches(shard, 0, 8, 1)).hasMessage("batch size 0 must be at least 1");
        assertThatThrownBy(() -> c.trainBatches(shard, 2, 0, 1)).hasMessage("context length 0 must be at least 1");
    }
}
