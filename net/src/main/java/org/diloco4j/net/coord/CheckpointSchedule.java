package org.diloco4j.net.coord;

/**
 * When the next periodic checkpoint is due: every so many outer steps, or after so many seconds
 * if θ changed. A checkpoint written from the live arrays ({@link CheckpointCut#LIVE}) stops the
 * event loop for the whole write (tens of seconds at 1B parameters), so its interval counts from
 * when the write ended, not from the cut, and the next is not taken before
 * {@link #LIVE_SPACING} times that pause has passed: the loop is paused at most about a fifth of
 * the time, whatever the configured intervals. (Event loop only.)
 */
final class CheckpointSchedule {
    /** After a live checkpoint, the next waits at least this many times its pause. */
    static final double LIVE_SPACING = 4;

    private final long everyOuterSteps;
    private final double everySeconds;
    private double lastClock;
    private long lastSteps;
    private double notBefore = Double.NEGATIVE_INFINITY;

    /**
     * @param everyOuterSteps 0: not by steps
     * @param everySeconds    0: not by time
     * @param clock           the run's clock now
     * @param steps           outer steps done now
     */
    CheckpointSchedule(long everyOuterSteps, double everySeconds, double clock, long steps) {
        this.everyOuterSteps = everyOuterSteps;
        this.everySeconds = everySeconds;
        this.lastClock = clock;
        this.lastSteps = steps;
    }

    /** After an event: due if enough outer steps were done since the last checkpoint. */
    boolean dueBySteps(long steps, double now) {
        return everyOuterSteps > 0 && steps >= lastSteps + everyOuterSteps && now >= notBefore;
    }

    /** Periodically: due if enough time passed since the last checkpoint and θ changed. */
    boolean dueByTime(long steps, double now) {
        return everySeconds > 0 && now - lastClock >= everySeconds && steps > lastSteps && now >= notBefore;
    }

    /** A checkpoint of the state after {@code steps} outer steps was copied at {@code at}. */
    void copied(double at, long steps) {
        lastClock = at;
        lastSteps = steps;
    }

    /** A checkpoint of the state after {@code steps} was written live: the loop waited from {@code start} to {@code end}. */
    void written(double start, double end, long steps) {
        lastClock = end;
        lastSteps = steps;
        notBefore = end + LIVE_SPACING * Math.max(0, end - start);
    }
}
