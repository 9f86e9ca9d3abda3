package org.diloco4j.model.data.batch;

import java.util.List;

/**
 * Training batches from whichever shard a worker is currently given (asynchronous DiLoCo hands each
 * free worker the most under-sampled shard). One batch counter runs across shards: batch n comes
 * from the current shard's source at its position n, so the whole state is (shard, n) and fits in
 * {@link #position()}: shard in the top 16 bits, batch counter in the low 48.
 */
public final class ShardedBatches implements BatchSource {
    private static final int COUNTER_BITS = 48;
    private static final long COUNTER_MASK = (1L << COUNTER_BITS) - 1;
    private final List<BatchSource> shards;
    private int current;
    private long counter;

    /**
     * @param shards one source per shard, each of which replays exactly after {@code seek}
     * @param first  the shard to start on
     */
    public ShardedBatches(List<BatchSource> shards, int first) {
        if (shards.isEmpty()) throw new IllegalArgumentException("no shards to draw from");
        if (shards.size() > 0xFFFF) throw new IllegalArgumentException(shards.size() + " shards; at most 65535");
        this.shards = List.copyOf(shards);
        select(first);
    }

    /** Draws from {@code shard} from the next batch on; the batch counter runs on. */
    @Override
    public void select(int shard) {
        if (shard < 0 || shard >= shards.size()) {
            throw new IllegalArgumentException("shard " + shard + " does not exist; there are " + shards.size());
        }
        current = shard;
    }

    public int current() {
        return current;
    }

    @Override
    public TokenBatch next() {
        BatchSource s = shards.get(current);
        s.seek(counter);
        counter++;
        return s.next();
    }

    @Override
    public long position() {
        return ((long) current << COUNTER_BITS) | counter;
    }

    @Override
    public void seek(long position) {
        int shard = (int) (position >>> COUNTER_BITS);
        long n = position & COUNTER_MASK;
        select(shard);
        this.counter = n;
    }
}
