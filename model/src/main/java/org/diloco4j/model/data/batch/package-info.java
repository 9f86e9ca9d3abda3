/**
 * Token batches the trainer consumes: the {@link org.diloco4j.model.data.batch.BatchSource} seam (random
 * windows of one shard, a fixed list, or {@link org.diloco4j.model.data.batch.ShardedBatches} across
 * shards), the fixed {@link org.diloco4j.model.data.batch.ValidationBatches}, and which
 * {@link org.diloco4j.model.data.batch.EvalSet} a run is scored on. Depends on {@code data.token} and
 * {@code data.text}.
 */
package org.diloco4j.model.data.batch;
