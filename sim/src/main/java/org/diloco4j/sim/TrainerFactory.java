package org.diloco4j.sim;

import org.diloco4j.core.train.InnerTrainer;

/** Makes each simulated worker's inner trainer (its own model replica, optimizer state and data). */
@FunctionalInterface
public interface TrainerFactory {
    /**
     * @param worker          the worker
     * @param shard           the data shard it trains on; -1 means a mix of all shards (the DDP baseline)
     * @param batchMultiplier global batch over a worker's batch: k for the DDP baseline, else 1
     */
    InnerTrainer create(WorkerSpec worker, int shard, int batchMultiplier);
}
