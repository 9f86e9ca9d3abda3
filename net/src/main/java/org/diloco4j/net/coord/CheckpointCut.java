package org.diloco4j.net.coord;

/**
 * How a coordinator checkpoint takes its consistent cut of θ and the outer optimizer state. A copy
 * lets the event loop go on while the file is written, but costs the state's size again in heap:
 * at 1B parameters with Delayed Nesterov (θ, momentum, accumulator) 12 GB on top of 12 GB, where
 * the memory bound (issue 14: 3.5 × θ's bytes + 64 MiB per worker) leaves half of θ's bytes above
 * the state. So a state whose copy does not fit there is written from the live arrays instead,
 * while the loop waits for the file (a pause of tens of seconds per checkpoint at that size —
 * estimated from the 6-15 s measured for 3 GB at 250M in docs/bench/checkpoint-pause.txt, not
 * measured at 1B — against an OutOfMemoryError; {@link CheckpointSchedule} spaces such checkpoints out).
 */
enum CheckpointCut {
    /** Copy on the loop, write in the background while the loop goes on. */
    COPY,
    /** Write from the live arrays while the loop waits: no copy. */
    LIVE;

    /** The bound's multiple of θ's bytes (the per-worker slack is for uploads in flight, not for this). */
    static final double BOUND_THETAS = 3.5;
    /**
     * A copy this small is always made: one worker's share of the bound's slack, and the loop need
     * not wait for the file of every small run (the copy made the same file before: nothing changes).
     */
    static final long ALWAYS_COPY_BYTES = 64L << 20;

    /**
     * @param stateBytes θ, the optimizer buffers and the policy's aggregate, in bytes
     * @param thetaBytes θ alone, in bytes (0 in a timing-only run)
     */
    static CheckpointCut of(long stateBytes, long thetaBytes) {
        return of(stateBytes, thetaBytes, ALWAYS_COPY_BYTES);
    }

    /** {@link #of(long, long)} with a copy of at most {@code alwaysCopyBytes} always made. */
    static CheckpointCut of(long stateBytes, long thetaBytes, long alwaysCopyBytes) {
        long headroom = (long) (BOUND_THETAS * thetaBytes) - stateBytes;
        return stateBytes <= Math.max(alwaysCopyBytes, headroom) ? COPY : LIVE;
    }
}
