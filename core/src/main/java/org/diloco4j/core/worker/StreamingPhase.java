package org.diloco4j.core.worker;

import org.diloco4j.core.stream.StreamingSchedule;

/**
 * Where a streaming worker is on the schedule. Fragment p's pseudo-gradient for its round r leaves
 * after inner step {@code sendStep(p, r)}: the (r+1)-th step at which the schedule has p due.
 */
public record StreamingPhase(StreamingSchedule schedule) {
    /** The step after which fragment p's pseudo-gradient for round r is sent. */
    public long sendStep(int p, long round) {
        return schedule.nextSyncStep(p, 0) + round * schedule.innerSteps();
    }

    /** The fragment sent after {@code step}, or -1. */
    public int fragmentSentAfter(long step) {
        if (step < 1) return -1;
        var due = schedule.fragmentsDueAt(step);
        return due.isEmpty() ? -1 : due.get(0);
    }

    /** The first step after {@code step} at which some fragment is sent. */
    public long nextSendAfter(long step) {
        int every = schedule.spacing();
        return (step / every + 1) * every;
    }

    /**
     * Where a worker joining with θ at the given fragment rounds starts counting, so that it sends
     * fragments in the same order and for the same rounds as the workers already running: just
     * before the earliest send still due.
     */
    public long startStep(long[] rounds) {
        long first = Long.MAX_VALUE;
        for (int p = 0; p < rounds.length; p++) first = Math.min(first, sendStep(p, rounds[p]));
        return first == Long.MAX_VALUE ? 0 : first - schedule.spacing();
    }
}
