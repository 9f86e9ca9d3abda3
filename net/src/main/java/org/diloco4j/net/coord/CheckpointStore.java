package org.diloco4j.net.coord;

import java.io.IOException;
import java.util.Optional;

/**
 * Where the coordinator's checkpoints go. Saving must be atomic: a crash leaves the previous one
 * intact. A checkpoint carries the state as records and arrays, not as the bytes of a file: a store
 * streams it to its file and reads it back array by array, so no array of the whole file is made.
 */
public interface CheckpointStore {
    /**
     * @param state      the runtime state (see {@link RuntimeState#checkpoint}): its arrays a copy no one changes, or, for a
     *                   state too large to copy ({@link CheckpointCut#LIVE}), the live ones, unchanged until the save returns
     * @param mark       the listener's position at the time (see {@link RuntimeListener#mark})
     * @param outerSteps outer steps done, for logs
     * @param clock      the run's clock, in seconds
     */
    record Checkpoint(RuntimeState.State state, long mark, long outerSteps, double clock) {
    }

    void save(Checkpoint c) throws IOException;

    /** The latest checkpoint, or empty if there is none. */
    Optional<Checkpoint> load() throws IOException;
}
