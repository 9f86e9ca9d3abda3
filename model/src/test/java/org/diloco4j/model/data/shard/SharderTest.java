package org.diloco4j.model.data.shard;

import org.diloco4j.model.data.DataException;
import org.diloco4j.model.data.TestData;
import org.diloco4j.model.data.corpus.Corpus;
import org.diloco4j.model.data.text.Document;
import org.diloco4j.model.data.text.DocumentList;
import org.diloco4j.model.data.text.Split;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SharderTest {
    @TempDir
    Path cache;

    /** Groups of very different sizes: big 300 docs, mid 120, small 60 (120-160 bytes each), tiny 1 byte. */
    private Corpus skewed() {
        List<Document> docs = new ArrayList<>();
        int i = 0;
        for (String g : List.of("big", "mid", "small")) {
            int n = g.equals("big") ? 300 : g.equals("mid") ? 120 : 60;
            for (int j = 0; j < n; j++, i++) docs.add(new Document(g + j, g, (g + " " + j + " ").repeat(20)));
        }
        docs.add(new Document("tiny0", "tiny", "t"));
        return TestData.load(new DocumentList("skewed", "group", docs), cache);
    }

    private static void assertPartition(ShardPlan plan, int[] train) {
        int[] all = plan.shards().stream().flatMapToInt(s -> Arrays.stream(s.documents())).sorted().toArray();
        assertThat(all).isEqualTo(train);
        for (Shard s : plan.shards()) assertThat(s.documents()).isNotEmpty().isSorted();
    }

    @Test
    void iidDealsEveryTrainingDocumentOnceWithNearlyEqualSizes() {
        Corpus c = skewed();
        Split split = c.split(0.1, 3);
        ShardPlan plan = c.shards(split, 4, ShardMode.IID, 9);
        assertPartition(plan, split.train());
        long max = plan.shards().stream().mapToLong(Shard::tokens).max().orElseThrow();
        long min = plan.shards().stream().mapToLong(Shard::tokens).min().orElseThrow();
        long biggestDoc = Arrays.stream(split.train()).mapToLong(d -> c.documents().tokens(d)).max().orElseThrow();
        assertThat(max - min).isLessThanOrEqualTo(biggestDoc);
        for (Shard s : plan.shards()) {
            long groups = Arrays.stream(s.documents()).mapToObj(d -> c.documents().groupName(d)).distinct().count();
            assertThat(groups).as("iid shards mix groups").isGreaterThanOrEqualTo(3);
        }
        ShardPlan same = c.shards(split, 4, ShardMode.IID, 9);
        for (int i = 0; i < 4; i++) assertThat(same.shards().get(i).documents()).isEqualTo(plan.shards().get(i).documents());
        assertThat(c.shards(split, 4, ShardMode.IID, 10).shards().get(0).documents())
                .isNotEqualTo(plan.shards().get(0).documents());
        for (double w : plan.weights()) assertThat(w).isCloseTo(0.25, within(0.01));
    }

    @Test
    void nonIidWithFewShardsKeepsGroupsWhole() {
        Corpus c = skewed();
        Split split = c.split(0.1, 3);
        ShardPlan plan = c.shards(split, 2, ShardMode.NON_IID, 0);
        assertPartition(plan, split.train());
        Map<String, Integer> shardOf = new HashMap<>();
        for (Shard s : plan.shards()) {
            for (int d : s.documents()) {
                Integer prev = shardOf.put(c.documents().groupName(d), s.index());
                assertThat(prev == null || prev == s.index()).as("group split across shards").isTrue();
            }
        }
        assertThat(plan.shards().get(0).groups()).containsExactly("big");
        assertThat(plan.shards().get(1).groups()).containsExactly("mid", "small", "tiny");
        assertThat(plan.shards().get(1).label()).isEqualTo("mid+small+tiny");
    }

    @Test
    void nonIidWithMoreShardsThanGroupsSplitsBigGroupsProportionally() {
        Corpus c = skewed();
        Split split = c.split(0.1, 3);
        ShardPlan plan = c.shards(split, 8, ShardMode.NON_IID, 0);
        assertPartition(plan, split.train());
        Map<String, Integer> count = new HashMap<>();
        for (Shard s : plan.shards()) {
            assertThat(s.groups()).as("no shard is only the tiny group").isNotEqualTo(List.of("tiny"));
            count.merge(s.groups().get(0), 1, Integer::sum);
            long distinct = Arrays.stream(s.documents()).mapToObj(d -> c.documents().groupName(d))
                    .filter(g -> !g.equals("tiny")).distinct().count();
            assertThat(distinct).isEqualTo(1);
        }
        // About 46k : 17k : 8k tokens -> one shard each, then 5 more by D'Hondt: 5 : 2 : 1.
        assertThat(count).containsEntry("big", 5).containsEntry("mid", 2).containsEntry("small", 1);
        List<Shard> big = plan.shards().stream().filter(s -> s.groups().get(0).equals("big")).toList();
        assertThat(big).extracting(Shard::label).containsExactly("big 1/5", "big 2/5", "big 3/5", "big 4/5", "big 5/5");
        for (int i = 1; i < big.size(); i++) {
            int lastOfPrev = big.get(i - 1).documents()[big.get(i - 1).documents().length - 1];
            assertThat(big.get(i).documents()[0]).as("contiguous runs in document order").isGreaterThan(lastOfPrev);
        }
        long maxBig = big.stream().mapToLong(Shard::tokens).max().orElseThrow();
        long minBig = big.stream().mapToLong(Shard::tokens).min().orElseThrow();
        assertThat((double) maxBig / minBig).isLessThan(1.1);
        assertThat(Arrays.stream(plan.weights()).sum()).isCloseTo(1.0, within(1e-12));
        assertThat(plan.describe()).contains("8 shards (non-iid)", "big 1/5", "w=");
    }

    @Test
    void labelsOfShardsWithManyGroupsStayShort() {
        Corpus c = TestData.load(TestData.documents(12, 30, "g1", "g2", "g3", "g4", "g5", "g6"), cache);
        ShardPlan plan = c.shards(c.split(0, 1), 1, ShardMode.NON_IID, 1);
        assertThat(plan.shards().get(0).groups()).hasSize(6);
        assertThat(plan.shards().get(0).label()).matches("g\\d\\+g\\d\\+g\\d\\+g\\d\\+2 more");
    }

    @Test
    void asManyShardsAsDocumentsWorks() {
        Corpus c = TestData.load(TestData.documents(5, 30, "a", "b"), cache);
        Split split = c.split(0, 1);
        for (ShardMode m : ShardMode.values()) {
            ShardPlan plan = c.shards(split, 5, m, 1);
            assertPartition(plan, IntStream.range(0, 5).toArray());
            assertThat(plan.shards()).allSatisfy(s -> assertThat(s.documents()).hasSize(1));
        }
    }

    @Test
    void badShardCountsAreErrors() {
        Corpus c = TestData.load(TestData.documents(5, 30, "a"), cache);
        Split split = c.split(0.2, 1);
        assertThatThrownBy(() -> c.shards(split, 0, ShardMode.IID, 1)).isInstanceOf(DataException.class)
                .hasMessage("shard count 0 must be at least 1");
        int n = split.train().length;
        assertThatThrownBy(() -> c.shards(split, n + 1, ShardMode.NON_IID, 1)).isInstanceOf(DataException.class)
                .hasMessage("shard count " + (n + 1) + " exceeds the " + n
                        + " training documents; every shard needs at least one whole document");
        assertThat(ShardMode.parse("non-iid")).isEqualTo(ShardMode.NON_IID);
        assertThat(ShardMode.parse("IID")).isEqualTo(ShardMode.IID);
        assertThatThrownBy(() -> ShardMode.parse("random")).hasMessage("unknown shard mode 'random': expected iid or noniid");
    }
}
