package org.diloco4j.core.worker;

/**
 * When a streaming worker sends each fragment: fragment p's pseudo-gradient for its round r
 * leaves after inner step {@code r·H + offset_p}, with offsets spread evenly over the H steps,
 * {@code offset_p = (p + 1)·H/P}, and is merged τ steps later. Steps count from 1.
 */
public record StreamingTimetable(int innerSteps, int fragments, int overlap) {
    public StreamingTimetable {
        if (fragments < 1) throw new IllegalArgumentException("fragments = " + fragments + ": must be >= 1");
        if (innerSteps < fragments || innerSteps % fragments != 0) {
            throw new IllegalArgumentException("inner_steps = " + innerSteps + " must be a multiple of the number of fragments (" + fragments + ")");
        }
        if (overlap < 0 || overlap >= innerSteps / fragments) {
            throw new IllegalArgumentException("overlap = " + overlap + " must be in [0, H/P) = [0, " + innerSteps / fragments + ")");
        }
    }

    public int offset(int p) {
        return (p + 1) * (innerSteps / fragments);
    }

    /** The step after which fragment p's pseudo-gradient for round r is sent. */
    public long sendStep(int p, long round) {
        return round * innerSteps + offset(p);
    }

    /** The fragment sent after {@code step}, or -1 if none. */
    public int fragmentSentAfter(long step) {
        if (step < 1) return -1;
        int phase = (int) (step % innerSteps);
        if (phase == 0) phase = innerSteps;
        int every = innerSteps / fragments;
        return phase % every == 0 ? phase / every - 1 : -1;
    }

    /** The first step after {@code step} at which some fragment is sent. */
    public long nextSendAfter(long step) {
        int every = innerSteps / fragments;
        return (step / every + 1) * every;
    }

    /**
     * Where a worker joining with θ at the given fragment rounds starts counting, so that it sends
     * fragments in the same order and rounds as the workers already running: just before the
     * earliest send still due.
     */
    public long startStep(long[] rounds) {
        long first = Long.MAX_VALUE;
        for (int p = 0; p < rounds.length; p++) first = Math.min(first, sendStep(p, rounds[p]));
        return first == Long.MAX_VALUE ? 0 : first - (innerSteps / fragments);
    }
}
