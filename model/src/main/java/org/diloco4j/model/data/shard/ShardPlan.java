package org.diloco4j.model.data.shard;

import java.util.List;

/**
 * Shards for k workers and how they were made.
 *
 * @param mode   iid or non-iid
 * @param seed   seed of the shuffle (iid) or of the holdout the shards come from
 * @param shards one per worker, in worker order
 */
public record ShardPlan(ShardMode mode, long seed, List<Shard> shards) {
    public ShardPlan {
        shards = List.copyOf(shards);
    }

    public int k() {
        return shards.size();
    }

    public long totalTokens() {
        return shards.stream().mapToLong(Shard::tokens).sum();
    }

    /** w_i = |D_i| / Σ|D_j|: DiLoCo's weights for non-iid shards. */
    public double[] weights() {
        double total = totalTokens();
        return shards.stream().mapToDouble(s -> s.tokens() / total).toArray();
    }

    /** One line per shard: index, label, documents, tokens, weight; for logs and run reports. */
    public String describe() {
        StringBuilder sb = new StringBuilder(String.format("%d shards (%s), %,d training tokens%n", k(),
                mode.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'), totalTokens()));
        double[] w = weights();
        for (Shard s : shards) {
            sb.append(String.format("  shard %d: %-24s %,8d docs %,12d tokens  w=%.4f%n", s.index(), s.label(),
                    s.documents().length, s.tokens(), w[s.index()]));
        }
        return sb.toString();
    }
}
