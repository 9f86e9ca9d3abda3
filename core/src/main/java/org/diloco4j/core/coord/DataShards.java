package org.diloco4j.core.coord;

import java.util.Arrays;

/**
 * The data shards of a run and how they are handed out: sizes only, since the coordinator never sees
 * documents (which documents make each shard is {@code model.data.shard.ShardPlan}).
 *
 * @param sizes      tokens per shard; empty when each worker brings its own data
 * @param assignment how a worker gets a shard
 */
public record DataShards(long[] sizes, Assignment assignment) {
    public enum Assignment {
        /** Member i trains on shard i mod #shards for the whole run (or on its own data when there are no shards). */
        OWN,
        /** Every new assignment takes the shard most under-sampled relative to its size (asynchronous DiLoCo). */
        LEAST_SAMPLED
    }

    public DataShards {
        sizes = sizes.clone();
        for (int i = 0; i < sizes.length; i++) {
            if (sizes[i] <= 0) throw new IllegalArgumentException("shard " + i + " has size " + sizes[i] + "; shards must be non-empty");
        }
        if (assignment == Assignment.LEAST_SAMPLED && sizes.length == 0) {
            throw new IllegalArgumentException("least-sampled shard assignment needs the shard sizes");
        }
    }

    public static DataShards own() {
        return new DataShards(new long[0], Assignment.OWN);
    }

    public static DataShards own(long... sizes) {
        return new DataShards(sizes, Assignment.OWN);
    }

    public static DataShards leastSampled(long... sizes) {
        return new DataShards(sizes, Assignment.LEAST_SAMPLED);
    }

    public int count() {
        return sizes.length;
    }

    @Override
    public long[] sizes() {
        return sizes.clone();
    }

    public long size(int shard) {
        return sizes[shard];
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DataShards p && Arrays.equals(p.sizes, sizes) && p.assignment == assignment;
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(sizes) * 31 + assignment.hashCode();
    }

    @Override
    public String toString() {
        return "DataShards" + Arrays.toString(sizes) + " " + assignment;
    }
}
