package org.diloco4j.model.data.batch;

/**
 * An endless, deterministic stream of training batches from one worker's shard. The position can
 * be saved and restored so that a resumed run sees the same batches as an uninterrupted one.
 */
public interface BatchSource {
    TokenBatch next();

    /** Opaque position; {@link #seek} to it replays the same batches from there. */
    long position();

    void seek(long position);

    /**
     * Draws from data shard {@code shard} from the next batch on.
     *
     * @throws UnsupportedOperationException if this source reads a single shard
     */
    default void select(int shard) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " reads a single data shard and cannot switch to shard "
                + shard + " (build the trainer on ShardedBatches to switch)");
    }
}
