package org.diloco4j.model.data.batch;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ShardedBatchesTest {
    /** Shard s yields batches whose every token is 100·s + the batch's position in that shard. */
    static BatchSource marked(int s) {
        return new BatchSource() {
            long pos;

            @Override
            public TokenBatch next() {
                int v = (int) (100 * s + pos++);
                return new TokenBatch(1, 2, new int[] {v, v}, new int[] {v, v});
            }

            @Override
            public long position() {
                return pos;
            }

            @Override
            public void seek(long p) {
                pos = p;
            }
        };
    }

    static List<BatchSource> three() {
        return new ArrayList<>(List.of(marked(0), marked(1), marked(2)));
    }

    @Test
    void drawsFromTheSelectedShardWithOneCounter() {
        ShardedBatches b = new ShardedBatches(three(), 1);
        assertThat(b.next().inputs()[0]).isEqualTo(100);
        assertThat(b.next().inputs()[0]).isEqualTo(101);
        b.select(2);
        assertThat(b.next().inputs()[0]).isEqualTo(202);
        b.select(0);
        assertThat(b.next().inputs()[0]).isEqualTo(3);
    }

    @Test
    void positionReplaysExactlyAcrossSwitches() {
        ShardedBatches a = new ShardedBatches(three(), 0);
        a.next();
        a.select(2);
        a.next();
        long saved = a.position();
        List<Integer> expected = new ArrayList<>();
        for (int i = 0; i < 3; i++) expected.add(a.next().inputs()[0]);
        ShardedBatches b = new ShardedBatches(three(), 1);
        b.seek(saved);
        assertThat(b.current()).isEqualTo(2);
        List<Integer> got = new ArrayList<>();
        for (int i = 0; i < 3; i++) got.add(b.next().inputs()[0]);
        assertThat(got).isEqualTo(expected);
    }

    @Test
    void unknownShardsAreRefused() {
        assertThatThrownBy(() -> new ShardedBatches(three(), 3)).hasMessage("shard 3 does not exist; there are 3");
        assertThatThrownBy(() -> new ShardedBatches(List.of(), 0)).hasMessageContaining("no shards");
    }
}
