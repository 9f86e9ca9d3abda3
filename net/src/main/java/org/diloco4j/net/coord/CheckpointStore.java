package org.diloco4j.net.coord;

import java.io.IOException;
import java.util.Optional;

/** Where the coordinator's checkpoints go. Saving must be atomic: a crash leaves the previous one intact. */
public interface CheckpointStore {
    /**
     * @param state      the serialized runtime state
     * @param mark       the listener's position at the time (see {@link RuntimeListener#mark})
     * @param outerSteps outer steps done, for logs
     * @param clock      the run's clock, in seconds
     */
    record Checkpoint(byte[] state, long mark, long outerSteps, double clock) {
    }

    void save(Checkpoint c) throws IOException;

    /** The latest checkpoint, or empty if there is none. */
    Optional<Checkpoint> load() throws IOException;
}
