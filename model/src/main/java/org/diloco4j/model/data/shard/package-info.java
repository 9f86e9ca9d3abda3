/**
 * Training documents dealt among k workers: {@link org.diloco4j.model.data.shard.Sharder} makes a
 * {@link org.diloco4j.model.data.shard.ShardPlan} of {@link org.diloco4j.model.data.shard.Shard}s
 * (iid or non-iid, see {@link org.diloco4j.model.data.shard.ShardMode}), and
 * {@link org.diloco4j.model.data.shard.UnderSampledShardPicker} chooses the next shard for asynchronous
 * DiLoCo. Depends on {@code data.text} only.
 */
package org.diloco4j.model.data.shard;
