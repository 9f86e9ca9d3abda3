package org.diloco4j.model.data;

/**
 * An endless, deterministic stream of training batches from one worker's shard. The position can
 * be saved and restored so that a resumed run sees the same batches as an uninterrupted one.
 */
public interface BatchSource {
    TokenBatch next();

    /** Opaque position; {@link #seek} to it replays the same batches from there. */
    long position();

    void seek(long position);
}
