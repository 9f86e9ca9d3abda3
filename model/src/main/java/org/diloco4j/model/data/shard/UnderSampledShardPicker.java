package org.diloco4j.model.data.shard;

import org.diloco4j.model.data.DataException;

import java.util.Arrays;
import java.util.Set;

/**
 * Async DiLoCo's data rule: a free worker takes the shard that is most under-sampled relative to its
 * size, i.e. the lowest consumed/size ratio (ties: lowest index). Not thread-safe; the coordinator
 * owns it. Its state is the consumed counts, to be checkpointed with the run.
 */
public final class UnderSampledShardPicker {
    private final long[] sizes;
    private final long[] consumed;

    public UnderSampledShardPicker(long[] sizes) {
        if (sizes.length == 0) throw new DataException("no shards to pick from");
        for (int i = 0; i < sizes.length; i++) {
            if (sizes[i] <= 0) throw new DataException("shard " + i + " size " + sizes[i] + " must be positive");
        }
        this.sizes = sizes.clone();
        this.consumed = new long[sizes.length];
    }

    public static UnderSampledShardPicker of(ShardPlan plan) {
        return new UnderSampledShardPicker(plan.shards().stream().mapToLong(Shard::tokens).toArray());
    }

    /** The most under-sampled shard. */
    public int pick() {
        return pick(Set.of());
    }

    /** The most under-sampled shard not in {@code busy} (e.g. shards other workers are training on). */
    public int pick(Set<Integer> busy) {
        int best = -1;
        for (int i = 0; i < sizes.length; i++) {
            if (busy.contains(i)) continue;
            if (best < 0 || productLess(consumed[i], sizes[best], consumed[best], sizes[i])) best = i;
        }
        if (best < 0) throw new DataException("all " + sizes.length + " shards are busy");
        return best;
    }

    /** a*b < c*d for non-negative longs, exactly (128-bit products): ratios compared without rounding. */
    private static boolean productLess(long a, long b, long c, long d) {
        long hi1 = Math.multiplyHigh(a, b);
        long hi2 = Math.multiplyHigh(c, d);
        return hi1 != hi2 ? hi1 < hi2 : Long.compareUnsigned(a * b, c * d) < 0;
    }

    /** Records that {@code tokens} more tokens of {@code shard} were trained on. */
    public void consume(int shard, long tokens) {
        if (tokens < 0) throw new IllegalArgumentException("consumed tokens " + tokens + " must be >= 0");
        consumed[shard] += tokens;
    }

    public long[] consumed() {
        return consumed.clone();
    }

    /** Restores counts saved with {@link #consumed()}. */
    public void restore(long[] counts) {
        if (counts.length != consumed.length) {
            throw new IllegalArgumentException("saved counts for " + counts.length + " shards, picker has " + consumed.length);
        }
        System.arraycopy(counts, 0, consumed, 0, counts.length);
    }

    @Override
    public String toString() {
        return "UnderSampledShardPicker" + Arrays.toString(consumed) + "/" + Arrays.toString(sizes);
    }
}
