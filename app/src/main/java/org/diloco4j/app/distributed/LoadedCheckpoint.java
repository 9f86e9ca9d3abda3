package org.diloco4j.app.distributed;

import org.diloco4j.net.coord.CheckpointStore;

/**
 * A checkpoint loaded to resume a run from: its scalars, which the job reads during the run, and its
 * state, handed to the runtime once. The runtime takes the state's θ and optimizer buffers as its own
 * (12 GB at 1B parameters with Delayed Nesterov), so the job must not keep the state: after the run
 * the runtime lets go of it, and the job's reference would hold it on until the job ends.
 */
final class LoadedCheckpoint {
    private CheckpointStore.Checkpoint checkpoint;
    private final long mark;
    private final long outerSteps;
    private final double clock;

    LoadedCheckpoint(CheckpointStore.Checkpoint c) {
        this.checkpoint = c;
        this.mark = c.mark();
        this.outerSteps = c.outerSteps();
        this.clock = c.clock();
    }

    /** The checkpoint, once: this holder no longer refers to it afterwards. */
    CheckpointStore.Checkpoint take() {
        CheckpointStore.Checkpoint c = checkpoint;
        if (c == null) throw new IllegalStateException("the loaded checkpoint was already handed to a runtime");
        checkpoint = null;
        return c;
    }

    /** The listener's mark at the checkpoint: where the metrics file is cut back to. */
    long mark() {
        return mark;
    }

    long outerSteps() {
        return outerSteps;
    }

    /** The run's clock at the checkpoint, in seconds. */
    double clock() {
        return clock;
    }
}
