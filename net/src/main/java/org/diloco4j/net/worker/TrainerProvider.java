package org.diloco4j.net.worker;

import org.diloco4j.core.train.InnerTrainer;
import org.diloco4j.net.wire.RunDefinition;

/** Builds a worker's inner trainer for the run the coordinator described (GPT in the app, a toy in tests). */
@FunctionalInterface
public interface TrainerProvider {
    /**
     * @param run     the run, with its resolved configuration
     * @param shard   the data shard to train on
     * @param threads compute threads, each step split over them (0: all cores)
     */
    InnerTrainer create(RunDefinition run, int shard, int threads);
}
